package dev.portcullis.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.PortRanges;
import dev.portcullis.api.Stability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every type api and core let other modules use says how stable it is, with {@link Stability}, and
 * since which version it exists, with {@code @since} in its Javadoc.
 */
class StabilityMarkersTest {

  /** Each module's main sources, from core's folder, where surefire runs. */
  private static final Map<String, Path> SOURCES =
      Map.of(
          "dev.portcullis.api", Path.of("../api/src/main/java"),
          "dev.portcullis.core", Path.of("src/main/java"));

  private static final Pattern SINCE = Pattern.compile("@since \\d+\\.\\d+");

  @Test
  void theModulesExportTheTypesTheDocumentationNames() {
    List<Class<?>> api = PublicTypes.of(PortRanges.class);
    List<Class<?>> core = PublicTypes.of(PortsIsolator.class);

    assertTrue(api.contains(PortRanges.Range.class), api::toString);
    assertTrue(api.contains(Stability.Level.class), api::toString);
    assertTrue(
        api.stream().noneMatch(t -> t.getSimpleName().startsWith("Immutable")), api::toString);
    assertTrue(core.contains(PortsIsolator.class), core::toString);
    assertTrue(core.contains(ScanScheduler.Cancellable.class), core::toString);
    assertTrue(
        core.stream().noneMatch(t -> t.getPackageName().endsWith(".format")), core::toString);
    assertTrue(core.stream().noneMatch(t -> t == StabilityMarkersTest.class), core::toString);
  }

  @Test
  void everyPublicTypeCarriesAStabilityMarker() {
    List<String> unmarked = new ArrayList<>();
    for (Class<?> type : publicTypes()) {
      if (!type.isAnnotationPresent(Stability.class)) {
        unmarked.add(type.getName());
      }
    }
    assertEquals(List.of(), unmarked, "public types without @Stability");
  }

  @Test
  void everyPublicTypeSaysSinceWhenInItsJavadoc() throws IOException {
    List<String> undated = new ArrayList<>();
    for (Class<?> type : publicTypes()) {
      String javadoc = TypeJavadoc.of(type, source(type));
      if (!SINCE.matcher(javadoc).find()) {
        undated.add(type.getName());
      }
    }
    assertEquals(List.of(), undated, "public types whose Javadoc has no @since");
  }

  private static List<Class<?>> publicTypes() {
    List<Class<?>> types = new ArrayList<>(PublicTypes.of(PortRanges.class));
    types.addAll(PublicTypes.of(PortsIsolator.class));
    return types;
  }

  private static String source(Class<?> type) throws IOException {
    Class<?> top = type;
    while (top.getEnclosingClass() != null) {
      top = top.getEnclosingClass();
    }
    Path root = SOURCES.get(type.getModule().getName());
    Path file = root.resolve(top.getName().replace('.', '/') + ".java");
    assertTrue(Files.isRegularFile(file), () -> "no source for " + type.getName() + " at " + file);
    return Files.readString(file);
  }

  /** The Javadoc comment right above a type's declaration in its source file. */
  static final class TypeJavadoc {

    private TypeJavadoc() {}

    static String of(Class<?> type, String source) {
      Pattern declaration =
          Pattern.compile(
              "/\\*\\*((?:(?!\\*/).)*)\\*/\\s*(?:@[\\w.]+(?:\\([^)]*\\))?\\s*)*"
                  + "(?:(?:public|protected|private|static|final|abstract|sealed|non-sealed|strictfp)"
                  + "\\s+)*(?:class|interface|enum|record|@interface)\\s+"
                  + Pattern.quote(type.getSimpleName())
                  + "\\b",
              Pattern.DOTALL);
      Matcher matcher = declaration.matcher(source);
      return matcher.find() ? matcher.group(1) : "";
    }
  }
}
