package dev.portcullis.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Provider names: from the flag or the builder, else from the system property. */
class ProviderNamesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        IsolatorConfig.SOCKET_SOURCE,
        IsolatorConfig.PROCESS_TRACKER,
        IsolatorConfig.CONTAINER_PORTS_POLICY
      })
  void fallBackToTheSystemPropertyWhenTheFlagIsAbsent(String flag) {
    withSystemProperty(
        "portcullis." + flag,
        " from-property ",
        () -> {
          assertEquals(Optional.of("from-property"), providerName(flag, Map.of()));
          assertEquals(Optional.of("from-flag"), providerName(flag, Map.of(flag, "from-flag")));
          return null;
        });
  }

  @Test
  void theBuilderTakesPrecedenceOverTheSystemProperty() {
    withSystemProperty(
        "portcullis.socket_source",
        "from-property",
        () -> {
          assertEquals(
              Optional.of("from-builder"),
              IsolatorConfig.builder().socketSourceName("from-builder").build().socketSourceName());
          return null;
        });
  }

  @Test
  void aBlankSystemPropertyIsAnError() {
    withSystemProperty(
        "portcullis.process_tracker",
        "  ",
        () -> {
          FlagException e =
              assertThrows(FlagException.class, () -> IsolatorConfig.fromFlags(Map.of()));
          assertEquals(
              "Flag --process_tracker: the system property portcullis.process_tracker is"
                  + " blank; set it to a provider name, or clear it to choose the best"
                  + " available provider",
              e.getMessage());
          assertEquals(IsolatorConfig.PROCESS_TRACKER, e.flag());
          return null;
        });
  }

  @Test
  void noSystemPropertyMeansAutomatic() {
    withSystemProperty(
        "portcullis.container_ports_policy",
        null,
        () -> {
          assertEquals(Optional.empty(), IsolatorConfig.fromFlags(Map.of()).policyName());
          return null;
        });
  }

  private Optional<String> providerName(String flag, Map<String, String> flags) {
    IsolatorConfig config = IsolatorConfig.fromFlags(flags);
    switch (flag) {
      case IsolatorConfig.SOCKET_SOURCE:
        return config.socketSourceName();
      case IsolatorConfig.PROCESS_TRACKER:
        return config.processTrackerName();
      default:
        return config.policyName();
    }
  }

  /** Runs {@code test} with the property set ({@code null}: cleared), then restores it. */
  private void withSystemProperty(String name, String value, Supplier<Void> test) {
    String previous = System.getProperty(name);
    try {
      if (value == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, value);
      }
      test.get();
    } finally {
      if (previous == null) {
        System.clearProperty(name);
      } else {
        System.setProperty(name, previous);
      }
    }
  }
}
