package dev.portcullis.testkit.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The condition behind {@link RequiresLinuxRoot}. */
public final class LinuxRootCondition implements ExecutionCondition, BeforeEachCallback {

  /** The environment variable that turns a skip into a failure. */
  public static final String REQUIRE_VARIABLE = "PORTCULLIS_REQUIRE_LINUX";

  /**
   * {@return why this machine cannot run root-on-Linux tests (it is not Linux, the effective uid is
   * not 0, or {@code /proc/self/status} cannot be read), or empty when it can}
   */
  public static Optional<String> missing() {
    if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      return Optional.of("not Linux (os.name=" + System.getProperty("os.name") + ")");
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          String effective = line.split("\\s+", -1)[2];
          return effective.equals("0")
              ? Optional.empty()
              : Optional.of("not root (effective uid " + effective + ")");
        }
      }
      return Optional.of("/proc/self/status has no Uid line");
    } catch (IOException e) {
      return Optional.of("cannot read /proc/self/status: " + e.getMessage());
    }
  }

  private static boolean required() {
    return "1".equals(System.getenv(REQUIRE_VARIABLE));
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Optional<String> missing = missing();
    if (missing.isEmpty()) {
      return ConditionEvaluationResult.enabled("root on Linux");
    }
    if (required()) {
      // Enabled so that beforeEach can fail it: a condition can only skip.
      return ConditionEvaluationResult.enabled(REQUIRE_VARIABLE + "=1 forbids skipping");
    }
    return ConditionEvaluationResult.disabled(
        "Needs root on Linux: "
            + missing.get()
            + "; set "
            + REQUIRE_VARIABLE
            + "=1 to make this a failure");
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    Optional<String> missing = missing();
    if (missing.isPresent()) {
      throw new AssertionError(
          REQUIRE_VARIABLE + "=1 but this test needs root on Linux: " + missing.get());
    }
  }
}
