package dev.portcullis.core.providers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.PortGuard;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.core.policy.GracePolicy;
import dev.portcullis.core.policy.MesosPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ProviderLoader#serviceLoader(ModuleLayer)} over real layers: the boot layer, and a layer
 * above it defined from a module compiled here.
 */
class LayerDiscoveryTest {

  @TempDir Path tmp;

  private static List<String> names(ProviderLoader loader) {
    return loader.load(EnforcementPolicy.class).stream()
        .map(loaded -> loaded.provider().orElseThrow().name())
        .sorted()
        .toList();
  }

  /** A layer over the boot layer with one module, {@code example.empty}, from {@code <dir>}. */
  private static ModuleLayer layerOfOneModuleIn(Path dir) throws IOException {
    Path source = Files.createDirectories(dir.resolveSibling("src")).resolve("module-info.java");
    Files.writeString(source, "module example.empty {}\n");
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int status =
        ToolProvider.findFirst("javac")
            .orElseThrow()
            .run(
                System.out,
                new PrintStream(errors, true, StandardCharsets.UTF_8),
                "-d",
                dir.resolve("example.empty").toString(),
                source.toString());
    assertEquals(0, status, () -> errors.toString(StandardCharsets.UTF_8));
    ModuleLayer boot = ModuleLayer.boot();
    Configuration configuration =
        boot.configuration()
            .resolveAndBind(ModuleFinder.of(dir), ModuleFinder.of(), Set.of("example.empty"));
    return boot.defineModulesWithOneLoader(
        configuration, LayerDiscoveryTest.class.getClassLoader());
  }

  @Test
  void theBootLayerIsTheModulePath() {
    ProviderLoader loader = ProviderLoader.serviceLoader(ModuleLayer.boot());

    assertEquals("on the module path", loader.where());
    assertEquals(List.of(GracePolicy.NAME, MesosPolicy.NAME), names(loader));
  }

  @Test
  void aLayerAboveTheBootLayerFindsTheBuiltInsAndNamesTheDirectoryOfItsModules()
      throws IOException {
    Path modules = tmp.resolve("modules");
    ProviderLoader loader = ProviderLoader.serviceLoader(layerOfOneModuleIn(modules));

    assertEquals(
        "in " + modules.toAbsolutePath() + " (module example.empty) or on the module path",
        loader.where());
    assertEquals(List.of(GracePolicy.NAME, MesosPolicy.NAME), names(loader));
    ProviderSelectionException none =
        assertThrows(
            ProviderSelectionException.class,
            () ->
                ProviderSelector.select(
                    PortGuard.class, Optional.empty(), ProviderSettings.empty(), loader));
    assertTrue(
        none.getMessage()
            .startsWith(
                "No port guard provider was found in "
                    + modules.toAbsolutePath()
                    + " (module example.empty) or on the module path."),
        none.getMessage());
  }

  @Test
  void anEmptyLayerSaysSo() {
    ModuleLayer boot = ModuleLayer.boot();
    ModuleLayer empty =
        boot.defineModulesWithOneLoader(
            boot.configuration().resolve(ModuleFinder.of(), ModuleFinder.of(), Set.of()),
            LayerDiscoveryTest.class.getClassLoader());

    assertEquals(
        "in an empty module layer or on the module path",
        ProviderLoader.serviceLoader(empty).where());
  }

  @Test
  void aNullLayerIsRefused() {
    assertThrows(
        NullPointerException.class, () -> ProviderLoader.serviceLoader((ModuleLayer) null));
  }
}
