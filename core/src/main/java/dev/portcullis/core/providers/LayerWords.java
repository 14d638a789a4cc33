package dev.portcullis.core.providers;

import java.lang.module.ResolvedModule;
import java.net.URI;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where a module layer's providers come from, in words that complete "no provider was found …":
 * {@code in /opt/portcullis/modules (modules com.example.policy, com.example.tracker) or on the
 * module path}. An operator who dropped jars into a directory reads that directory back.
 */
final class LayerWords {

  private LayerWords() {}

  static String where(ModuleLayer layer) {
    if (layer == ModuleLayer.boot()) {
      return "on the module path";
    }
    return "in "
        + modules(layer)
        + (parentIsBoot(layer) ? " or on the module path" : " or in its parent layers");
  }

  private static boolean parentIsBoot(ModuleLayer layer) {
    return layer.parents().equals(List.of(ModuleLayer.boot()));
  }

  /** The layer's own modules, named with the one directory they share, else each with its jar. */
  private static String modules(ModuleLayer layer) {
    List<ResolvedModule> modules =
        layer.configuration().modules().stream()
            .sorted(Comparator.comparing(ResolvedModule::name))
            .toList();
    if (modules.isEmpty()) {
      return "an empty module layer";
    }
    List<Optional<Path>> directories =
        modules.stream().map(module -> file(module).map(Path::getParent)).distinct().toList();
    if (directories.size() == 1 && directories.get(0).isPresent()) {
      return directories.get(0).get()
          + " ("
          + (modules.size() == 1 ? "module " : "modules ")
          + modules.stream().map(ResolvedModule::name).collect(Collectors.joining(", "))
          + ")";
    }
    return "the module layer of "
        + modules.stream()
            .map(module -> module.name() + " (" + location(module) + ")")
            .collect(Collectors.joining(", "));
  }

  private static Optional<Path> file(ResolvedModule module) {
    return module
        .reference()
        .location()
        .filter(uri -> "file".equals(uri.getScheme()))
        .map(Path::of)
        .map(Path::toAbsolutePath);
  }

  private static String location(ResolvedModule module) {
    return file(module)
        .map(Path::toString)
        .or(() -> module.reference().location().map(URI::toString))
        .orElse("no location");
  }
}
