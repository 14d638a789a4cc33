package dev.portcullis.agent.extensions;

import dev.portcullis.testkit.ModuleJar;
import java.nio.file.Path;

/** Small extension jars, compiled while the tests run, good and broken in every way they test. */
public final class ExampleJars {

  /** The name the example policy is selected by. */
  public static final String POLICY = "example";

  /** The setting the example policy takes its kill message from. */
  public static final String MESSAGE_SETTING = "example_message";

  private ExampleJars() {}

  /** The module-info of a module that requires the api and provides one enforcement policy. */
  static String policyModule(String module, String className) {
    return "module "
        + module
        + " {\n  requires dev.portcullis.api;\n"
        + "  provides dev.portcullis.api.EnforcementPolicy with "
        + module
        + "."
        + className
        + ";\n}\n";
  }

  /**
   * An enforcement policy class named {@code className} in the package {@code pkg}, selected as
   * {@code name}, whose constructor runs {@code constructorBody} and whose {@code name()} returns
   * {@code nameExpression}.
   */
  static String policyClass(
      String pkg, String className, String constructorBody, String nameExpression) {
    return String.join(
        "\n",
        "package " + pkg + ";",
        "import dev.portcullis.api.*;",
        "import java.util.Optional;",
        "public final class " + className + " implements EnforcementPolicy {",
        "  private String message = \"example policy: unallocated ports\";",
        "  public " + className + "() { " + constructorBody + " }",
        "  @Override public String name() { return " + nameExpression + "; }",
        "  @Override public int order() { return 50; }",
        "  @Override public void initialize(ProviderSettings settings) {",
        "    message = settings.get(\"" + MESSAGE_SETTING + "\").orElse(message);",
        "  }",
        "  @Override public Optional<Throwable> unavailabilityCause() { return Optional.empty(); }",
        "  @Override public Verdict decide(Violation violation, PolicyContext context) {",
        "    return Verdict.kill(message);",
        "  }",
        "}",
        "");
  }

  /** The working policy {@value #POLICY}, in module {@code module}. */
  public static Path policy(Path jar, String module) {
    return ModuleJar.builder()
        .source("module-info.java", policyModule(module, "ExamplePolicy"))
        .source(
            module.replace('.', '/') + "/ExamplePolicy.java",
            policyClass(module, "ExamplePolicy", "", "\"" + POLICY + "\""))
        .write(jar);
  }

  /** A policy in module {@code module} whose constructor or name() runs {@code code}. */
  public static Path brokenPolicy(Path jar, String module, String constructorBody, String name) {
    return ModuleJar.builder()
        .source("module-info.java", policyModule(module, "BrokenPolicy"))
        .source(
            module.replace('.', '/') + "/BrokenPolicy.java",
            policyClass(module, "BrokenPolicy", constructorBody, name))
        .write(jar);
  }

  /** The example policy's class, compiled into a plain jar: no module-info. */
  public static Path plainPolicy(Path jar) {
    return ModuleJar.builder()
        .source(
            "example/plain/ExamplePolicy.java",
            policyClass("example.plain", "ExamplePolicy", "", "\"" + POLICY + "\""))
        .write(jar);
  }

  /** A module that provides nothing, exporting {@code pkg} with one class in it. */
  public static Path library(Path jar, String module, String pkg) {
    return ModuleJar.builder()
        .source("module-info.java", "module " + module + " {\n  exports " + pkg + ";\n}\n")
        .source(
            pkg.replace('.', '/') + "/Library.java",
            "package "
                + pkg
                + ";\npublic final class Library {\n"
                + "  public static String message() { return \"from the library\"; }\n}\n")
        .write(jar);
  }

  /** A policy module that requires {@code library}, compiled against its jar. */
  public static Path policyNeeding(Path jar, String module, String library, Path libraryJar) {
    return ModuleJar.builder()
        .source(
            "module-info.java",
            "module "
                + module
                + " {\n  requires dev.portcullis.api;\n  requires "
                + library
                + ";\n  provides dev.portcullis.api.EnforcementPolicy with "
                + module
                + ".ExamplePolicy;\n}\n")
        .source(
            module.replace('.', '/') + "/ExamplePolicy.java",
            policyClass(module, "ExamplePolicy", "", "\"" + POLICY + "\""))
        .against(libraryJar)
        .write(jar);
  }
}
