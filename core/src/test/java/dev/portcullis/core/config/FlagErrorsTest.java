package dev.portcullis.core.config;

import static dev.portcullis.core.config.MessageAssertions.assertStartsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portcullis.api.PortRanges;
import dev.portcullis.api.PortRangesFormatException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad settings, given as flags or typed: each error names the flag and quotes the value. */
class FlagErrorsTest {

  /** Builds without reading real system properties, so that the host cannot change results. */
  private static IsolatorConfig fromFlags(Map<String, String> flags) {
    return IsolatorConfig.builder().flags(flags).build(property -> null);
  }

  /** A rule on a value is checked once, after parsing, yet quotes the value as the flag gave it. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "container_ports_watch_interval | 0.0secs | the duration must be positive",
        "container_ports_watch_interval | ` -5secs` | the duration must be positive",
        "container_ports_full_scan_every | ` 0 ` | must be at least 1",
      })
  void aRuleOnAParsedValueQuotesTheFlagAsGiven(String flag, String value, String problem) {
    FlagException e = assertThrows(FlagException.class, () -> fromFlags(Map.of(flag, value)));
    assertStartsWith("Invalid flag --" + flag + "=" + value + ": " + problem, e.getMessage());
    assertEquals(Optional.of(value), e.value());
  }

  @Test
  void aTypedValueSetAfterItsFlagIsCheckedAndQuotedAsTyped() {
    FlagException e =
        assertThrows(
            FlagException.class,
            () ->
                IsolatorConfig.builder()
                    .flag(IsolatorConfig.CONTAINER_PORTS_WATCH_INTERVAL, "10secs")
                    .watchInterval(Duration.ofMillis(-1500))
                    .build(property -> null));
    assertEquals(
        "Invalid flag --container_ports_watch_interval=-1500ms: the duration must be positive",
        e.getMessage());
  }

  @Nested
  class AsFlags {

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '`',
        value = {
          "launcher | posix | Invalid flag --launcher=posix: the network/ports isolator needs"
              + " --launcher=linux, because it finds a task's processes through the cgroups",
          "launcher | `` | Invalid flag --launcher=: the network/ports isolator needs"
              + " --launcher=linux",
          "enforce_container_ports | yes | Invalid flag --enforce_container_ports=yes: must be"
              + " true or false",
          "enforce_container_ports | `` | Invalid flag --enforce_container_ports=: must be true"
              + " or false",
          "check_agent_port_range_only | 1 | Invalid flag --check_agent_port_range_only=1: must"
              + " be true or false",
          "container_ports_include_udp | on | Invalid flag --container_ports_include_udp=on: must"
              + " be true or false",
          "container_ports_watch_interval | 30s | Invalid flag"
              + " --container_ports_watch_interval=30s: unknown unit 's'; valid units are ns, us,"
              + " ms, secs, mins, hrs, days, weeks",
          "container_ports_watch_interval | 0secs | Invalid flag"
              + " --container_ports_watch_interval=0secs: the duration must be positive",
          "container_ports_watch_interval | 30 | Invalid flag"
              + " --container_ports_watch_interval=30: the unit is missing",
          "container_ports_isolated_range | [1-2 | Invalid flag"
              + " --container_ports_isolated_range=[1-2: it must end with ']'",
          "container_ports_isolated_range | 1024-2048 | Invalid flag"
              + " --container_ports_isolated_range=1024-2048: it must start with '['",
          "container_ports_isolated_range | [2048-1024] | Invalid flag"
              + " --container_ports_isolated_range=[2048-1024]: range 2048-1024 has begin > end",
          "container_ports_isolated_range | [0-65536] | Invalid flag"
              + " --container_ports_isolated_range=[0-65536]: port 65536 is out of bounds",
          "resources | cpus:1;ports:5 | Invalid flag --resources=cpus:1;ports:5: entry"
              + " 'ports:5': ports must be a range list such as [31000-32000]",
          "resources | cpus:1;;mem:2 | Invalid flag --resources=cpus:1;;mem:2: empty entry"
              + " between 'cpus:1' and 'mem:2'",
          "container_ports_full_scan_every | 0 | Invalid flag"
              + " --container_ports_full_scan_every=0: must be at least 1",
          "container_ports_full_scan_every | -3 | Invalid flag"
              + " --container_ports_full_scan_every=-3: must be at least 1",
          "container_ports_full_scan_every | ten | Invalid flag"
              + " --container_ports_full_scan_every=ten: must be a whole number of scans, at least"
              + " 1",
          "socket_source | `  ` | Invalid flag --socket_source=  : a provider name must not be"
              + " blank; omit the flag to choose the best available provider",
          "process_tracker | `` | Invalid flag --process_tracker=: a provider name must not be"
              + " blank",
          "container_ports_policy | `` | Invalid flag --container_ports_policy=: a provider name"
              + " must not be blank",
        })
    void aBadValueNamesTheFlagAndQuotesTheValue(String flag, String value, String expected) {
      FlagException e = assertThrows(FlagException.class, () -> fromFlags(Map.of(flag, value)));
      assertStartsWith(expected, e.getMessage());
      assertEquals(flag, e.flag());
      assertEquals(Optional.of(value), e.value());
    }

    @Test
    void parseErrorsAreKeptAsCauses() {
      assertInstanceOf(
          PortRangesFormatException.class,
          flagError(IsolatorConfig.CONTAINER_PORTS_ISOLATED_RANGE, "[x]").getCause());
      assertInstanceOf(
          ResourcesFormatException.class,
          flagError(IsolatorConfig.RESOURCES, "ports:5").getCause());
      assertInstanceOf(
          NumberFormatException.class,
          flagError(IsolatorConfig.CONTAINER_PORTS_FULL_SCAN_EVERY, "x").getCause());
    }

    private FlagException flagError(String flag, String value) {
      return assertThrows(FlagException.class, () -> fromFlags(Map.of(flag, value)));
    }

    @Test
    void bothScopeFlagsConflict() {
      FlagException e =
          assertThrows(
              FlagException.class,
              () ->
                  fromFlags(
                      Map.of(
                          IsolatorConfig.CHECK_AGENT_PORT_RANGE_ONLY, "true",
                          IsolatorConfig.CONTAINER_PORTS_ISOLATED_RANGE, "[1024-2048]")));
      assertEquals(
          "Flag --container_ports_isolated_range: cannot be combined with"
              + " --check_agent_port_range_only=true; set only one of"
              + " --check_agent_port_range_only and --container_ports_isolated_range",
          e.getMessage());
      assertEquals(IsolatorConfig.CONTAINER_PORTS_ISOLATED_RANGE, e.flag());
      assertEquals(Optional.empty(), e.value());
    }

    @Test
    void flagNamesMustNotStartWithDashes() {
      FlagException e =
          assertThrows(FlagException.class, () -> fromFlags(Map.of("--launcher", "linux")));
      assertEquals(
          "Flag --launcher: give its name without the leading '--' (\"launcher\", not"
              + " \"--launcher\")",
          e.getMessage());
    }

    @Test
    void theFirstBadFlagInNameOrderIsReported() {
      FlagException e =
          assertThrows(
              FlagException.class,
              () ->
                  fromFlags(
                      Map.of(
                          IsolatorConfig.RESOURCES, "bad",
                          IsolatorConfig.CONTAINER_PORTS_WATCH_INTERVAL, "bad")));
      assertEquals(IsolatorConfig.CONTAINER_PORTS_WATCH_INTERVAL, e.flag());
    }
  }

  @Nested
  class Typed {

    @Test
    void aLauncherOtherThanLinux() {
      assertFlagError(
          () -> IsolatorConfig.builder().launcher("posix").build(),
          IsolatorConfig.LAUNCHER,
          "Invalid flag --launcher=posix: the network/ports isolator needs --launcher=linux");
    }

    @Test
    void aWatchIntervalThatIsNotPositive() {
      assertFlagError(
          () -> IsolatorConfig.builder().watchInterval(Duration.ZERO).build(),
          IsolatorConfig.CONTAINER_PORTS_WATCH_INTERVAL,
          "Invalid flag --container_ports_watch_interval=0secs: the duration must be positive");
      assertFlagError(
          () -> IsolatorConfig.builder().watchInterval(Duration.ofSeconds(-5)).build(),
          IsolatorConfig.CONTAINER_PORTS_WATCH_INTERVAL,
          "Invalid flag --container_ports_watch_interval=-5secs: the duration must be positive");
    }

    @Test
    void aFullScanCountBelowOne() {
      assertFlagError(
          () -> IsolatorConfig.builder().fullScanEvery(0).build(),
          IsolatorConfig.CONTAINER_PORTS_FULL_SCAN_EVERY,
          "Invalid flag --container_ports_full_scan_every=0: must be at least 1");
    }

    @Test
    void blankProviderNames() {
      assertFlagError(
          () -> IsolatorConfig.builder().socketSourceName(" ").build(),
          IsolatorConfig.SOCKET_SOURCE,
          "Invalid flag --socket_source= : a provider name must not be blank");
      assertFlagError(
          () -> IsolatorConfig.builder().processTrackerName("").build(),
          IsolatorConfig.PROCESS_TRACKER,
          "Invalid flag --process_tracker=: a provider name must not be blank");
      assertFlagError(
          () -> IsolatorConfig.builder().policyName("\t").build(),
          IsolatorConfig.CONTAINER_PORTS_POLICY,
          "Invalid flag --container_ports_policy=\t: a provider name must not be blank");
    }

    @Test
    void bothScopeSettings() {
      assertFlagError(
          () ->
              IsolatorConfig.builder()
                  .checkAgentPortRangeOnly(true)
                  .isolatedRange(PortRanges.range(1, 2))
                  .build(),
          IsolatorConfig.CONTAINER_PORTS_ISOLATED_RANGE,
          "Flag --container_ports_isolated_range: cannot be combined with"
              + " --check_agent_port_range_only=true");
    }

    private void assertFlagError(Executable build, String flag, String expectedStart) {
      FlagException e = assertThrows(FlagException.class, build);
      assertStartsWith(expectedStart, e.getMessage());
      assertEquals(flag, e.flag());
    }
  }
}
