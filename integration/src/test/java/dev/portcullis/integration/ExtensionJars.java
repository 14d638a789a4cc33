package dev.portcullis.integration;

import dev.portcullis.testkit.ModuleJar;
import java.nio.file.Path;

/**
 * Extension jars for {@code --modules_dir}, compiled while the tests run: an enforcement policy
 * that kills with the message a provider setting gives it, and the broken jars a directory must not
 * hold.
 */
final class ExtensionJars {

  /** The name the policy is selected by. */
  static final String POLICY = "always-kill";

  /** The provider setting the policy takes its kill message from. */
  static final String MESSAGE_SETTING = "always_kill_message";

  private ExtensionJars() {}

  private static String module(String name, String className) {
    return "module "
        + name
        + " {\n  requires dev.portcullis.api;\n"
        + "  provides dev.portcullis.api.EnforcementPolicy with "
        + name
        + "."
        + className
        + ";\n}\n";
  }

  /** The policy's class in {@code pkg}; its constructor runs {@code constructorBody}. */
  private static String policy(String pkg, String constructorBody) {
    return String.join(
        "\n",
        "package " + pkg + ";",
        "import dev.portcullis.api.*;",
        "import java.util.Optional;",
        "/** Kills every violating container when enforcing, with the configured message. */",
        "public final class AlwaysKill implements EnforcementPolicy {",
        "  private String message = \"always-kill: no unallocated port is allowed\";",
        "  public AlwaysKill() { " + constructorBody + " }",
        "  @Override public String name() { return \"" + POLICY + "\"; }",
        "  @Override public int order() { return 1000; }",
        "  @Override public void initialize(ProviderSettings settings) {",
        "    message = settings.get(\"" + MESSAGE_SETTING + "\").orElse(message);",
        "  }",
        "  @Override public Optional<Throwable> unavailabilityCause() { return Optional.empty(); }",
        "  @Override public Verdict decide(Violation violation, PolicyContext context) {",
        "    return context.enforcing() ? Verdict.kill(message) : Verdict.log(message);",
        "  }",
        "}",
        "");
  }

  /** The working policy, in module {@code name}. */
  static Path policy(Path jar, String name) {
    return ModuleJar.builder()
        .source("module-info.java", module(name, "AlwaysKill"))
        .source(name.replace('.', '/') + "/AlwaysKill.java", policy(name, ""))
        .write(jar);
  }

  /** The policy, but its constructor throws {@code IllegalStateException(message)}. */
  static Path throwingPolicy(Path jar, String message) {
    String name = "example.throwing";
    return ModuleJar.builder()
        .source("module-info.java", module(name, "AlwaysKill"))
        .source(
            "example/throwing/AlwaysKill.java",
            policy(name, "throw new IllegalStateException(\"" + message + "\");"))
        .write(jar);
  }

  /** The policy's class in a plain jar, without module-info. */
  static Path plainPolicy(Path jar) {
    return ModuleJar.builder()
        .source("example/plain/AlwaysKill.java", policy("example.plain", ""))
        .write(jar);
  }

  /** A module that exports {@code name} and provides nothing. */
  static Path library(Path jar, String name) {
    return ModuleJar.builder()
        .source("module-info.java", "module " + name + " {\n  exports " + name + ";\n}\n")
        .source(
            name.replace('.', '/') + "/Library.java",
            "package " + name + ";\npublic final class Library {}\n")
        .write(jar);
  }

  /** The policy, in module {@code name}, which requires {@code library}, compiled against it. */
  static Path policyRequiring(Path jar, String name, String library, Path libraryJar) {
    return ModuleJar.builder()
        .source(
            "module-info.java",
            module(name, "AlwaysKill").replace("{\n", "{\n  requires " + library + ";\n"))
        .source(name.replace('.', '/') + "/AlwaysKill.java", policy(name, ""))
        .against(libraryJar)
        .write(jar);
  }
}
