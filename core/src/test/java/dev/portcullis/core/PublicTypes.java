package dev.portcullis.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReader;
import java.lang.module.ResolvedModule;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.security.CodeSource;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The types a module lets every other module use: the public ones, nested ones included, in its
 * unqualified exports, as its compiled classes list them.
 *
 * <p>A nested type counts only when every type around it is public too. That is what leaves out the
 * Immutables implementations: api's package-info makes each {@code Immutable*} class
 * package-private, so its public nested {@code Builder} cannot be reached either.
 */
final class PublicTypes {

  private PublicTypes() {}

  /**
   * {@return the public types of the module that holds {@code anchor}, from the classes that came
   * with {@code anchor}} Only classes with the same code source count: the tests are patched into
   * core's module, and a public test helper is not core's API.
   *
   * @param anchor a main class of the module to read
   */
  static List<Class<?>> of(Class<?> anchor) {
    Module module = anchor.getModule();
    ModuleDescriptor descriptor = Objects.requireNonNull(module.getDescriptor(), "a named module");
    Set<String> exported =
        descriptor.exports().stream()
            .filter(exports -> !exports.isQualified())
            .map(ModuleDescriptor.Exports::source)
            .collect(Collectors.toSet());
    URL location = codeSource(anchor);
    try (ModuleReader reader = resolved(module).reference().open();
        Stream<String> resources = reader.list()) {
      return resources
          .filter(name -> name.endsWith(".class"))
          .filter(
              name -> !name.endsWith("module-info.class") && !name.endsWith("package-info.class"))
          .filter(name -> exported.contains(packageOf(name)))
          .map(name -> load(module, name))
          .filter(type -> location.equals(codeSource(type)))
          .filter(PublicTypes::isReachable)
          .sorted(Comparator.comparing(Class::getName))
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ResolvedModule resolved(Module module) {
    return module
        .getLayer()
        .configuration()
        .findModule(module.getName())
        .orElseThrow(() -> new IllegalStateException("not resolved: " + module.getName()));
  }

  private static String packageOf(String resource) {
    int slash = resource.lastIndexOf('/');
    return slash < 0 ? "" : resource.substring(0, slash).replace('/', '.');
  }

  private static Class<?> load(Module module, String resource) {
    String name = resource.substring(0, resource.length() - ".class".length()).replace('/', '.');
    Class<?> type = Class.forName(module, name);
    if (type == null) {
      throw new IllegalStateException("listed but not loadable: " + name);
    }
    return type;
  }

  private static URL codeSource(Class<?> type) {
    CodeSource source = type.getProtectionDomain().getCodeSource();
    return source == null ? null : source.getLocation();
  }

  private static boolean isReachable(Class<?> type) {
    if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic()) {
      return false;
    }
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      if (!Modifier.isPublic(c.getModifiers())) {
        return false;
      }
    }
    return true;
  }
}
