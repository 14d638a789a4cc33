package dev.portcullis.core.config;

import dev.portcullis.api.PortRanges;
import dev.portcullis.api.PortRangesFormatException;
import dev.portcullis.core.format.Durations;
import java.util.Locale;

/**
 * The one parser of each flag {@link IsolatorConfig} knows: it reads the flag's text into the value
 * that the flag's typed builder method takes, and hands it to that method.
 *
 * <p>Only the grammar of the text is checked here. The rules on the value (a positive interval, a
 * count of at least 1, a linux launcher, a name that is not blank) belong to {@link
 * IsolatorConfigBuilder#build()}, which checks them once, whether the value came as text or typed.
 */
final class FlagParsers {

  private FlagParsers() {}

  /** Parses {@code value} as the flag {@code name} if it is a known one; otherwise does nothing. */
  static void apply(IsolatorConfigBuilder config, String name, String value) {
    switch (name) {
      case IsolatorConfig.LAUNCHER -> config.launcher(value.strip());
      case IsolatorConfig.ENFORCE_CONTAINER_PORTS ->
          config.enforceContainerPorts(bool(name, value));
      case IsolatorConfig.CONTAINER_PORTS_WATCH_INTERVAL -> {
        config.watchInterval(
            Durations.parse(value, problem -> FlagException.invalidValue(name, value, problem)));
      }
      case IsolatorConfig.CHECK_AGENT_PORT_RANGE_ONLY ->
          config.checkAgentPortRangeOnly(bool(name, value));
      case IsolatorConfig.CONTAINER_PORTS_ISOLATED_RANGE ->
          config.isolatedRange(ranges(name, value));
      case IsolatorConfig.RESOURCES -> config.resources(resources(name, value));
      case IsolatorConfig.CONTAINER_PORTS_INCLUDE_UDP -> config.includeUdp(bool(name, value));
      case IsolatorConfig.SOCKET_SOURCE -> config.socketSourceName(value);
      case IsolatorConfig.PROCESS_TRACKER -> config.processTrackerName(value);
      case IsolatorConfig.CONTAINER_PORTS_POLICY -> config.policyName(value);
      case IsolatorConfig.CONTAINER_PORTS_FULL_SCAN_EVERY ->
          config.fullScanEvery(count(name, value));
      case IsolatorConfig.CONTAINER_PORTS_GUARD -> config.guardName(value);
      case IsolatorConfig.CONTAINER_PORTS_GUARD_MODE -> {
        config.guardMode(
            GuardMode.parse(value)
                .orElseThrow(
                    () ->
                        FlagException.invalidValue(
                            name, value, "must be " + GuardMode.flagValues())));
      }
      default -> {
        // Not an isolator flag: a provider's, or unknown; the providers get them all.
      }
    }
  }

  private static boolean bool(String flag, String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw FlagException.invalidValue(flag, value, "must be true or false");
    };
  }

  private static PortRanges ranges(String flag, String value) {
    try {
      return PortRanges.parse(value);
    } catch (PortRangesFormatException e) {
      throw FlagException.invalidValue(flag, value, Diagnostics.problemOf(e), e);
    }
  }

  private static AgentResources resources(String flag, String value) {
    try {
      return AgentResources.parse(value);
    } catch (ResourcesFormatException e) {
      throw FlagException.invalidValue(flag, value, e.problem(), e);
    }
  }

  /** A whole number; whether it is at least 1 is the builder's rule. */
  private static int count(String flag, String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw FlagException.invalidValue(
          flag, value, "must be a whole number of scans, at least 1", e);
    }
  }
}
