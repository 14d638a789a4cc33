package dev.portcullis.core.config;

import dev.portcullis.api.PortRanges;
import dev.portcullis.api.Protocol;
import dev.portcullis.core.format.Durations;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every setting of an {@link IsolatorConfig}, validated, as one value: equality and hashing of a
 * configuration are this record's.
 *
 * @param flags every flag given by name and still in force, with its value as given
 */
record ConfigValues(
    String launcher,
    boolean enforceContainerPorts,
    Duration watchInterval,
    boolean checkAgentPortRangeOnly,
    Optional<PortRanges> isolatedRange,
    AgentResources resources,
    boolean includeUdp,
    Optional<String> socketSourceName,
    Optional<String> processTrackerName,
    Optional<String> policyName,
    int fullScanEvery,
    Optional<String> guardName,
    GuardMode guardMode,
    SortedMap<String, String> flags) {

  /** How {@link #describe} shows a provider left to the best available one. */
  private static final String AUTOMATIC = "(automatic)";

  ConfigValues {
    flags = Collections.unmodifiableSortedMap(new TreeMap<>(flags));
  }

  /** The ports checked at all, as {@link IsolatorConfig#scope()} describes. */
  Optional<PortRanges> scope() {
    if (isolatedRange.isPresent()) {
      return isolatedRange;
    }
    if (checkAgentPortRangeOnly) {
      return Optional.of(resources.ports().orElse(IsolatorConfig.DEFAULT_AGENT_PORTS));
    }
    return Optional.empty();
  }

  /** Every flag with its effective value, then the scope and protocols, on one line. */
  String describe(Set<Protocol> protocols) {
    Map<String, String> shown = new LinkedHashMap<>();
    shown.put(IsolatorConfig.LAUNCHER, launcher);
    shown.put(IsolatorConfig.ENFORCE_CONTAINER_PORTS, String.valueOf(enforceContainerPorts));
    shown.put(IsolatorConfig.CONTAINER_PORTS_WATCH_INTERVAL, Durations.format(watchInterval));
    shown.put(IsolatorConfig.CHECK_AGENT_PORT_RANGE_ONLY, String.valueOf(checkAgentPortRangeOnly));
    shown.put(
        IsolatorConfig.CONTAINER_PORTS_ISOLATED_RANGE,
        isolatedRange.map(PortRanges::toString).orElse("(none)"));
    shown.put(IsolatorConfig.RESOURCES, resources.isEmpty() ? "(none)" : resources.toString());
    shown.put(IsolatorConfig.CONTAINER_PORTS_INCLUDE_UDP, String.valueOf(includeUdp));
    shown.put(IsolatorConfig.SOCKET_SOURCE, socketSourceName.orElse(AUTOMATIC));
    shown.put(IsolatorConfig.PROCESS_TRACKER, processTrackerName.orElse(AUTOMATIC));
    shown.put(IsolatorConfig.CONTAINER_PORTS_POLICY, policyName.orElse(AUTOMATIC));
    shown.put(IsolatorConfig.CONTAINER_PORTS_FULL_SCAN_EVERY, String.valueOf(fullScanEvery));
    shown.put(IsolatorConfig.CONTAINER_PORTS_GUARD, guardName.orElse(IsolatorConfig.NO_GUARD));
    shown.put(IsolatorConfig.CONTAINER_PORTS_GUARD_MODE, guardMode.flagValue());
    StringBuilder text = new StringBuilder();
    shown.forEach(
        (flag, value) ->
            text.append(text.length() == 0 ? "--" : " --").append(flag).append('=').append(value));
    return text.append(" (checking ")
        .append(scope().map(ports -> "ports " + ports).orElse("every port"))
        .append(" over ")
        .append(String.join(", ", protocols.stream().map(Protocol::name).toList()))
        .append(')')
        .toString();
  }
}
