package dev.portcullis.agent.extensions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.core.policy.MesosPolicy;
import dev.portcullis.core.providers.ProviderLoader;
import dev.portcullis.core.providers.ProviderReport;
import dev.portcullis.core.providers.ProviderSelector;
import dev.portcullis.core.providers.Selection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extension layer over real module jars, compiled while the tests run: a good policy is found
 * and selected beside the built-in ones, and every bad directory or jar is one line naming it.
 */
class ExtensionsTest {

  @TempDir Path tmp;
  private Path dir;
  private Path elsewhere;

  @BeforeEach
  void directories() throws IOException {
    dir = Files.createDirectory(tmp.resolve("modules"));
    elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
  }

  private ExtensionException refused() {
    ExtensionException failure = assertThrows(ExtensionException.class, () -> Extensions.load(dir));
    assertFalse(failure.getMessage().contains("\n"), failure.getMessage());
    return failure;
  }

  private static void assertMentions(ExtensionException failure, Object... parts) {
    for (Object part : parts) {
      assertTrue(
          failure.getMessage().contains(part.toString()),
          () -> "'" + part + "' is not in: " + failure.getMessage());
    }
  }

  @Test
  void aPolicyModuleIsFoundAndSelectedBesideTheBuiltInOnes() {
    Path jar = ExampleJars.policy(dir.resolve("example-policy.jar"), "example.policy");

    Extensions extensions = Extensions.load(dir);
    ProviderLoader loader = extensions.loader();
    Selection<EnforcementPolicy> selection =
        ProviderSelector.select(
            EnforcementPolicy.class,
            Optional.of(ExampleJars.POLICY),
            ProviderSettings.of(Map.of(ExampleJars.MESSAGE_SETTING, "no")),
            loader);

    EnforcementPolicy policy = selection.provider();
    Module module = policy.getClass().getModule();
    assertEquals("example.policy", module.getName());
    assertEquals(
        List.of(EnforcementPolicy.class.getModule().getLayer()), module.getLayer().parents());
    assertSame(Extensions.class.getClassLoader(), policy.getClass().getClassLoader().getParent());
    assertEquals(
        List.of(ExampleJars.POLICY, "grace", MesosPolicy.NAME),
        selection.considered().stream()
            .map(report -> report.name().orElseThrow())
            .sorted()
            .toList());
    assertEquals(Optional.of(dir), extensions.dir());
    assertTrue(loader.where().contains(dir.toString()), loader.where());

    ProviderOrigin extension = extensions.origin(policy.getClass().getName());
    assertEquals(Optional.of("example.policy"), extension.module());
    assertEquals(Optional.of(jar), extension.jar());
    assertFalse(extension.builtIn());
    ProviderOrigin builtIn = extensions.origin(MesosPolicy.class.getName());
    assertEquals(Optional.of("dev.portcullis.core"), builtIn.module());
    assertTrue(builtIn.builtIn());
    assertEquals(
        ProviderOrigin.UNKNOWN, extensions.origin("a dev.portcullis.api.PortGuard provider"));
  }

  @Test
  void withoutADirectoryOnlyTheBuiltInsAreFound() {
    Extensions none = Extensions.none();

    assertEquals(Optional.empty(), none.dir());
    List<ProviderReport> policies =
        ProviderSelector.survey(EnforcementPolicy.class, ProviderSettings.empty(), none.loader());
    assertEquals(
        List.of("grace", MesosPolicy.NAME),
        policies.stream().map(report -> report.name().orElseThrow()).sorted().toList());
    assertTrue(none.origin(MesosPolicy.class.getName()).builtIn());
  }

  @Test
  void aModuleMayRequireALibraryInTheSameDirectory() {
    Path library = ExampleJars.library(dir.resolve("library.jar"), "example.lib", "example.lib");
    ExampleJars.policyNeeding(dir.resolve("needy.jar"), "example.needy", "example.lib", library);

    Extensions extensions = Extensions.load(dir);

    assertEquals(
        ExampleJars.POLICY,
        ProviderSelector.select(
                EnforcementPolicy.class,
                Optional.of(ExampleJars.POLICY),
                ProviderSettings.empty(),
                extensions.loader())
            .name());
  }

  @Test
  void aJarThatProvidesNothingIsLoadedButUnused() {
    ExampleJars.library(dir.resolve("library.jar"), "example.lib", "example.lib");

    Extensions extensions = Extensions.load(dir);

    assertEquals(Optional.of(dir), extensions.dir());
  }

  @Test
  void aMissingDirectoryIsRefused() {
    dir = tmp.resolve("absent");

    assertMentions(refused(), "Invalid flag --modules_dir=" + dir, "no such directory");
  }

  @Test
  void aFileIsNoDirectory() throws IOException {
    dir = Files.writeString(tmp.resolve("file"), "x");

    assertMentions(refused(), "Invalid flag --modules_dir=" + dir, "not a directory");
  }

  @Test
  void aDirectoryWithoutJarsIsRefused() throws IOException {
    Files.writeString(dir.resolve("README"), "not a jar");

    assertMentions(refused(), "Invalid flag --modules_dir=" + dir, "holds no *.jar");
  }

  @Test
  void aJarWithoutModuleInfoIsRefusedRatherThanMadeAnAutomaticModule() {
    Path jar = ExampleJars.plainPolicy(dir.resolve("plain-policy.jar"));

    assertMentions(refused(), "Extension jar " + jar, "is not a module", "module-info");
  }

  @Test
  void aJarWhoseNameYieldsNoAutomaticModuleIsStillToldAsNoModule() {
    Path jar = ExampleJars.plainPolicy(dir.resolve("1.jar"));

    assertMentions(refused(), "Extension jar " + jar, "is not a module");
  }

  @Test
  void twoJarsWithOneModuleNameAreRefusedNamingBoth() {
    Path first = ExampleJars.policy(dir.resolve("a.jar"), "example.policy");
    Path second = ExampleJars.policy(dir.resolve("b.jar"), "example.policy");

    assertMentions(refused(), first, second, "both hold module example.policy");
  }

  @Test
  void aJarHoldingOneOfTheAgentsModulesIsRefused() {
    Path jar = ExampleJars.policy(dir.resolve("core.jar"), "dev.portcullis.core");

    assertMentions(
        refused(),
        "Extension jar " + jar,
        "holds module dev.portcullis.core, which is one of the agent's own modules");
  }

  @Test
  void aModuleThatRequiresAMissingModuleIsRefusedNamingBoth() {
    Path library =
        ExampleJars.library(elsewhere.resolve("library.jar"), "example.lib", "example.lib");
    Path jar =
        ExampleJars.policyNeeding(
            dir.resolve("needy.jar"), "example.needy", "example.lib", library);

    assertMentions(
        refused(),
        "Extension jar " + jar,
        "module example.needy requires module example.lib",
        "neither in " + dir);
  }

  @Test
  void twoModulesWithOnePackageAreRefusedNamingTheDirectory() {
    ExampleJars.library(dir.resolve("one.jar"), "example.one", "example.shared");
    ExampleJars.library(dir.resolve("two.jar"), "example.two", "example.shared");

    assertMentions(refused(), "The modules in " + dir, "example.shared");
  }

  @Test
  void aProviderWhoseConstructorThrowsIsRefusedNamingJarClassAndCause() {
    Path jar =
        ExampleJars.brokenPolicy(
            dir.resolve("broken.jar"),
            "example.broken",
            "throw new IllegalStateException(\"no task id pattern given\");",
            "\"broken\"");

    assertMentions(
        refused(),
        "Extension jar " + jar,
        "the enforcement policy provider example.broken.BrokenPolicy cannot be constructed",
        "IllegalStateException: no task id pattern given");
  }

  @Test
  void aProviderWhoseNameThrowsIsRefused() {
    Path jar =
        ExampleJars.brokenPolicy(
            dir.resolve("broken.jar"),
            "example.broken",
            "",
            "java.util.Objects.requireNonNull(null, \"nameless\")");

    assertMentions(
        refused(),
        "Extension jar " + jar,
        "example.broken.BrokenPolicy failed in name()",
        "NullPointerException: nameless");
  }

  @Test
  void aProviderWithABlankNameIsRefused() {
    Path jar = ExampleJars.brokenPolicy(dir.resolve("broken.jar"), "example.broken", "", "\" \"");

    assertMentions(refused(), "Extension jar " + jar, "has no name: name() returned ' '");
  }
}
