package dev.portcullis.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Core exports what embedders use, to everyone, and nothing of its own workings. */
class ModuleExportsTest {

  private static final ModuleDescriptor CORE = PortsIsolator.class.getModule().getDescriptor();

  @Test
  void theFourEmbedderPackagesAreExportedToAllAndNoOther() {
    assertTrue(PortsIsolator.class.getModule().isNamed(), "tests run in the named module");
    assertEquals(
        Set.of(
            "dev.portcullis.core",
            "dev.portcullis.core.config",
            "dev.portcullis.core.providers",
            "dev.portcullis.core.policy"),
        CORE.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
    assertTrue(CORE.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified));
    assertTrue(CORE.packages().contains("dev.portcullis.core.format"));
  }

  @Test
  void whatTheLoadersFindIsNoPublicType() throws ClassNotFoundException {
    Class<?> loaded = Class.forName("dev.portcullis.core.providers.LoadedProvider");
    assertFalse(Modifier.isPublic(loaded.getModifiers()));
  }
}
