package dev.portcullis.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.portcullis.agent.executor.KillReason;
import dev.portcullis.agent.updates.UpdateLog;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.GuardRefusals;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.Verdict;
import dev.portcullis.api.Violation;
import dev.portcullis.core.EnforcementAction;
import dev.portcullis.core.ScanMode;
import dev.portcullis.core.ScanReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The agent's metrics in the Prometheus text format. */
class AgentMetricsTest {

  private static final Map<String, String> PROVIDERS =
      mapOf("socket_source", "netlink", "process_tracker", "cgroups-v2");

  private static Map<String, String> mapOf(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static final UpdateLog.Figures NO_UPDATES = new UpdateLog.Figures(0, 0, 0, 0, 0, 0);

  private static AgentMetrics.Gauges gauges() {
    Map<String, Integer> executors = new TreeMap<>(Map.of("running", 2, "terminated", 1));
    Map<String, Integer> tasks = new TreeMap<>();
    tasks.put("TASK_STARTING", 0);
    tasks.put("TASK_RUNNING", 3);
    tasks.put("TASK_FINISHED", 1);
    tasks.put("TASK_FAILED", 0);
    tasks.put("TASK_KILLED", 0);
    return new AgentMetrics.Gauges(
        5, executors, tasks, 4, 7, new UpdateLog.Figures(120, 100, 20, 3, 2, 1));
  }

  private static String render(AgentMetrics metrics) {
    return metrics.render(AgentMetricsTest::gauges);
  }

  /** The value of one series, such as {@code portcullis_kills_total{reason="orphan"}}. */
  private static double value(String text, String series) {
    Double found = null;
    for (String line : text.split("\n")) {
      if (line.startsWith(series + " ")) {
        if (found != null) {
          fail("series " + series + " is written twice:\n" + text);
        }
        found = Double.parseDouble(line.substring(series.length() + 1));
      }
    }
    assertNotNull(found, "no series " + series + " in:\n" + text);
    return found;
  }

  private static ScanReport report(
      ScanMode mode, Duration duration, int sockets, EnforcementAction.Outcome... outcomes) {
    List<EnforcementAction> actions = new ArrayList<>();
    List<Violation> violations = new ArrayList<>();
    for (int i = 0; i < outcomes.length; i++) {
      Violation violation =
          Violation.builder()
              .container(ContainerId.of("c" + i))
              .allocated(PortRanges.of(31000))
              .listening(PortRanges.of(31000, 31001))
              .build();
      violations.add(violation);
      actions.add(
          new EnforcementAction(
              violation, Verdict.kill(violation.message()), outcomes[i], true, Optional.empty()));
    }
    return new ScanReport(
        1,
        Instant.now(),
        duration,
        mode,
        sockets,
        Optional.empty(),
        List.of(),
        violations,
        List.of(),
        actions,
        List.of(),
        Map.of());
  }

  @Test
  void everyFamilyHasHelpAndTypeBeforeItsSamplesWhichAreGrouped() {
    AgentMetrics metrics = new AgentMetrics(PROVIDERS);
    metrics.killed(KillReason.ORPHAN);
    metrics.scanned(
        report(ScanMode.FAST, Duration.ofMillis(3), 1, EnforcementAction.Outcome.KILLED));
    String text = render(metrics);
    assertTrue(text.endsWith("\n"), "the exposition ends with a line feed");

    Map<String, String> help = new HashMap<>();
    Map<String, String> type = new HashMap<>();
    Set<String> finished = new HashSet<>();
    String current = null;
    int samples = 0;
    for (String line : text.split("\n")) {
      assertFalse(line.isBlank(), "no blank lines:\n" + text);
      if (line.startsWith("# HELP ")) {
        String[] parts = line.split(" ", 4);
        assertEquals(4, parts.length, line);
        assertTrue(help.put(parts[2], parts[3]) == null, "HELP twice for " + parts[2]);
        assertFalse(type.containsKey(parts[2]), "HELP after TYPE for " + parts[2]);
        if (current != null) {
          finished.add(current);
        }
        current = parts[2];
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        assertEquals(4, parts.length, line);
        assertEquals(current, parts[2], "TYPE follows the HELP of the same family: " + line);
        assertTrue(type.put(parts[2], parts[3]) == null, "TYPE twice for " + parts[2]);
        assertTrue(Set.of("counter", "gauge", "summary").contains(parts[3]), line);
        continue;
      }
      assertFalse(line.startsWith("#"), line);
      samples++;
      String name = line.split("[{ ]", 2)[0];
      assertTrue(name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*"), line);
      String family = name;
      if ("summary".equals(type.get(current))) {
        family = name.replaceFirst("_(sum|count)$", "");
      }
      assertEquals(current, family, "a sample of its family, under its HELP and TYPE: " + line);
      assertTrue(type.containsKey(family), "TYPE before samples: " + line);
      assertFalse(finished.contains(family), "samples of a family are grouped: " + line);
      if ("counter".equals(type.get(family))) {
        assertTrue(family.endsWith("_total"), "a counter is named *_total: " + family);
      }
      String value = line.substring(line.lastIndexOf(' ') + 1);
      Double.parseDouble(value);
      assertTrue(
          line.matches(
              "[a-z_]+(\\{[a-z_]+=\"([^\"\\\\\\n"
                  + "]|\\\\[\\\\\"n])*\"(,[a-z_]+=\"([^\"\\\\\\n"
                  + "]|\\\\[\\\\\"n])*\")*\\})? \\S+"),
          "a well-formed sample: " + line);
    }
    assertEquals(help.keySet(), type.keySet());
    assertTrue(samples > help.size());
    assertEquals(
        Set.of(
            "portcullis_scans_total",
            "portcullis_scan_failures_total",
            "portcullis_scan_duration_seconds",
            "portcullis_sockets_seen",
            "portcullis_containers_tracked",
            "portcullis_violations_total",
            "portcullis_kills_total",
            "portcullis_executors",
            "portcullis_tasks",
            "portcullis_event_readers",
            "portcullis_event_readers_dropped_total",
            "portcullis_status_update_sequence",
            "portcullis_status_updates_acknowledged",
            "portcullis_status_updates_retained",
            "portcullis_status_updates_dropped_total",
            "portcullis_status_update_log_write_failures_total",
            "portcullis_status_update_log_compactions_total",
            "portcullis_guard_refusals_total",
            "portcullis_guarded_containers",
            "portcullis_provider_info"),
        type.keySet());
    assertEquals("summary", type.get("portcullis_scan_duration_seconds"));
    assertEquals("gauge", type.get("portcullis_sockets_seen"));
    assertEquals("counter", type.get("portcullis_kills_total"));
  }

  @Test
  void everyLabelledSeriesExistsAtZeroFromTheStart() {
    String text = render(new AgentMetrics(PROVIDERS));
    for (ScanMode mode : ScanMode.values()) {
      assertEquals(
          0,
          value(
              text,
              "portcullis_scans_total{mode=\"" + mode.name().toLowerCase(Locale.ROOT) + "\"}"));
    }
    for (EnforcementAction.Outcome outcome : EnforcementAction.Outcome.values()) {
      assertEquals(
          0,
          value(
              text,
              "portcullis_violations_total{outcome=\""
                  + outcome.name().toLowerCase(Locale.ROOT)
                  + "\"}"));
    }
    for (KillReason reason : KillReason.values()) {
      assertEquals(0, value(text, "portcullis_kills_total{reason=\"" + reason.label() + "\"}"));
    }
    assertTrue(text.contains("portcullis_kills_total{reason=\"container_limitation\"} 0\n"), text);
    assertTrue(text.contains("portcullis_kills_total{reason=\"recovery_cleanup\"} 0\n"), text);
    assertEquals(0, value(text, "portcullis_scan_failures_total"));
    assertEquals(0, value(text, "portcullis_scan_duration_seconds_sum"));
    assertEquals(0, value(text, "portcullis_scan_duration_seconds_count"));
    assertEquals(0, value(text, "portcullis_sockets_seen"));
    // Whole numbers are written without a fraction.
    assertTrue(text.contains("\nportcullis_scan_failures_total 0\n"), text);
  }

  @Test
  void theGaugesAreWhatTheAgentHolds() {
    String text = render(new AgentMetrics(PROVIDERS));
    assertEquals(5, value(text, "portcullis_containers_tracked"));
    assertEquals(2, value(text, "portcullis_executors{state=\"running\"}"));
    assertEquals(1, value(text, "portcullis_executors{state=\"terminated\"}"));
    assertEquals(3, value(text, "portcullis_tasks{state=\"TASK_RUNNING\"}"));
    assertEquals(1, value(text, "portcullis_tasks{state=\"TASK_FINISHED\"}"));
    assertEquals(0, value(text, "portcullis_tasks{state=\"TASK_KILLED\"}"));
    assertEquals(4, value(text, "portcullis_event_readers"));
    assertEquals(7, value(text, "portcullis_event_readers_dropped_total"));
    assertEquals(120, value(text, "portcullis_status_update_sequence"));
    assertEquals(100, value(text, "portcullis_status_updates_acknowledged"));
    assertEquals(20, value(text, "portcullis_status_updates_retained"));
    assertEquals(3, value(text, "portcullis_status_updates_dropped_total"));
    assertEquals(2, value(text, "portcullis_status_update_log_write_failures_total"));
    assertEquals(1, value(text, "portcullis_status_update_log_compactions_total"));
  }

  @Test
  void theGaugesAreReadAtEachRender() {
    AgentMetrics metrics = new AgentMetrics(PROVIDERS);
    int[] readers = {0};
    for (int i = 1; i <= 3; i++) {
      readers[0] = i;
      String text =
          metrics.render(
              () -> new AgentMetrics.Gauges(0, Map.of(), Map.of(), readers[0], 0, NO_UPDATES));
      assertEquals(i, value(text, "portcullis_event_readers"));
    }
  }

  @Test
  void killsAreCountedByReason() {
    AgentMetrics metrics = new AgentMetrics(PROVIDERS);
    metrics.killed(KillReason.CONTAINER_LIMITATION);
    metrics.killed(KillReason.KILL_REQUEST);
    metrics.killed(KillReason.KILL_REQUEST);
    String text = render(metrics);
    assertEquals(1, value(text, "portcullis_kills_total{reason=\"container_limitation\"}"));
    assertEquals(2, value(text, "portcullis_kills_total{reason=\"kill_request\"}"));
    assertEquals(0, value(text, "portcullis_kills_total{reason=\"orphan\"}"));
    assertEquals(0, value(text, "portcullis_kills_total{reason=\"task_group_failed\"}"));
    metrics.killed(KillReason.ORPHAN);
    assertEquals(1, value(render(metrics), "portcullis_kills_total{reason=\"orphan\"}"));
  }

  @Test
  void scanFailuresAreCounted() {
    AgentMetrics metrics = new AgentMetrics(PROVIDERS);
    metrics.scanFailed();
    metrics.scanFailed();
    String text = render(metrics);
    assertEquals(2, value(text, "portcullis_scan_failures_total"));
    assertEquals(0, value(text, "portcullis_scan_duration_seconds_count"), "no scan completed");
  }

  @Test
  void scansAreCountedByModeWithTheirDurationSocketsAndViolations() {
    AgentMetrics metrics = new AgentMetrics(PROVIDERS);
    metrics.scanned(
        report(
            ScanMode.FAST,
            Duration.ofMillis(1500),
            42,
            EnforcementAction.Outcome.KILLED,
            EnforcementAction.Outcome.LOGGED));
    String text = render(metrics);
    assertEquals(1, value(text, "portcullis_scans_total{mode=\"fast\"}"));
    assertEquals(0, value(text, "portcullis_scans_total{mode=\"exact\"}"));
    assertEquals(1.5, value(text, "portcullis_scan_duration_seconds_sum"));
    assertEquals(1, value(text, "portcullis_scan_duration_seconds_count"));
    assertEquals(42, value(text, "portcullis_sockets_seen"));
    assertEquals(1, value(text, "portcullis_violations_total{outcome=\"killed\"}"));
    assertEquals(1, value(text, "portcullis_violations_total{outcome=\"logged\"}"));
    assertEquals(0, value(text, "portcullis_violations_total{outcome=\"kill_failed\"}"));

    metrics.scanned(
        report(
            ScanMode.EXACT,
            Duration.ofMillis(250),
            7,
            EnforcementAction.Outcome.KILLED,
            EnforcementAction.Outcome.KILL_SUPPRESSED));
    metrics.scanned(report(ScanMode.FAST, Duration.ofNanos(1), 9));
    text = render(metrics);
    assertEquals(2, value(text, "portcullis_scans_total{mode=\"fast\"}"));
    assertEquals(1, value(text, "portcullis_scans_total{mode=\"exact\"}"));
    assertEquals(1.750000001, value(text, "portcullis_scan_duration_seconds_sum"), 1e-12);
    assertEquals(
        3, value(text, "portcullis_scan_duration_seconds_count"), "the count is every mode's");
    assertEquals(9, value(text, "portcullis_sockets_seen"), "a gauge: the last scan's");
    assertEquals(2, value(text, "portcullis_violations_total{outcome=\"killed\"}"));
    assertEquals(1, value(text, "portcullis_violations_total{outcome=\"kill_suppressed\"}"));
  }

  @Test
  void theDurationQuantilesAreOverTheLastScansAndNaNBeforeTheFirst() {
    AgentMetrics metrics = new AgentMetrics(PROVIDERS);
    String text = render(metrics);
    assertTrue(text.contains("portcullis_scan_duration_seconds{quantile=\"0.5\"} NaN\n"), text);
    assertTrue(text.contains("portcullis_scan_duration_seconds{quantile=\"0.99\"} NaN\n"), text);

    // Nine fast scans of 10 ms and a full one of 200 ms: the mean is 29 ms, the median 10 ms.
    for (int i = 0; i < 10; i++) {
      metrics.scanned(report(ScanMode.FAST, Duration.ofMillis(i == 0 ? 200 : 10), 9));
    }
    text = render(metrics);
    assertEquals(0.01, value(text, "portcullis_scan_duration_seconds{quantile=\"0.5\"}"));
    assertEquals(0.2, value(text, "portcullis_scan_duration_seconds{quantile=\"0.99\"}"));

    // Once as many newer scans have been kept, the old ones no longer count.
    for (int i = 0; i < AgentMetrics.QUANTILE_SCANS; i++) {
      metrics.scanned(report(ScanMode.FAST, Duration.ofMillis(3), 9));
    }
    text = render(metrics);
    assertEquals(0.003, value(text, "portcullis_scan_duration_seconds{quantile=\"0.5\"}"));
    assertEquals(0.003, value(text, "portcullis_scan_duration_seconds{quantile=\"0.99\"}"));
  }

  private static ScanReport withRefusals(ScanReport r, Map<ContainerId, GuardRefusals> refusals) {
    return new ScanReport(
        r.scan(),
        r.startedAt(),
        r.duration(),
        r.mode(),
        r.socketsSeen(),
        r.scope(),
        r.containers(),
        r.violations(),
        r.unconfirmed(),
        r.actions(),
        r.limitations(),
        refusals);
  }

  @Test
  void guardRefusalsCountOnlyWhatIsNewAndTheGuardedContainersAreAGauge() {
    AgentMetrics metrics = new AgentMetrics(PROVIDERS);
    ContainerId first = ContainerId.of("first");
    ContainerId second = ContainerId.of("second");
    ScanReport empty = report(ScanMode.FAST, Duration.ofMillis(1), 0);
    metrics.scanned(
        withRefusals(
            empty,
            Map.of(
                first,
                new GuardRefusals(2, 1, PortRanges.of(31001), PortRanges.of(40000)),
                second,
                GuardRefusals.none())));
    metrics.scanned(
        withRefusals(
            empty,
            Map.of(
                first,
                new GuardRefusals(5, 1, PortRanges.of(31001, 31002), PortRanges.of(40000)))));
    String text = render(metrics);
    assertEquals(5, value(text, "portcullis_guard_refusals_total{kind=\"bind\"}"));
    assertEquals(1, value(text, "portcullis_guard_refusals_total{kind=\"listener\"}"));
    assertEquals(1, value(text, "portcullis_guarded_containers"));
    // A guard installed again counts from zero; nothing already counted is taken back.
    metrics.scanned(withRefusals(empty, Map.of(first, new GuardRefusals(1, PortRanges.empty()))));
    assertEquals(5, value(render(metrics), "portcullis_guard_refusals_total{kind=\"bind\"}"));
  }

  @Test
  void aSmallDurationIsWrittenAsANumberPrometheusReads() {
    AgentMetrics metrics = new AgentMetrics(PROVIDERS);
    metrics.scanned(report(ScanMode.EXACT, Duration.ofNanos(12_345), 0));
    String text = render(metrics);
    assertEquals(0.000012345, value(text, "portcullis_scan_duration_seconds_sum"), 1e-15);
  }

  @Test
  void providerInfoNamesEachProvider() {
    String text = render(new AgentMetrics(PROVIDERS));
    assertTrue(
        text.contains("portcullis_provider_info{kind=\"socket_source\",name=\"netlink\"} 1\n"),
        text);
    assertTrue(
        text.contains("portcullis_provider_info{kind=\"process_tracker\",name=\"cgroups-v2\"} 1\n"),
        text);
    // In the order given.
    assertTrue(text.indexOf("kind=\"socket_source\"") < text.indexOf("kind=\"process_tracker\""));
  }

  @Test
  void noProvidersWriteTheFamilyWithoutSamples() {
    String text = render(new AgentMetrics(Map.of()));
    assertTrue(text.contains("# TYPE portcullis_provider_info gauge\n"), text);
    assertFalse(text.contains("portcullis_provider_info{"), text);
  }

  @Test
  void theProvidersAreCopied() {
    Map<String, String> providers = new LinkedHashMap<>(PROVIDERS);
    AgentMetrics metrics = new AgentMetrics(providers);
    providers.put("socket_source", "changed");
    assertTrue(render(metrics).contains("name=\"netlink\""));
  }

  @Test
  void labelValuesAreEscaped() {
    AgentMetrics metrics = new AgentMetrics(mapOf("socket_source", "a\\b\"c\nd", "we\"ird\\", "x"));
    String text = render(metrics);
    assertTrue(
        text.contains(
            "portcullis_provider_info{kind=\"socket_source\",name=\"a\\\\b\\\"c\\nd\"} 1\n"),
        text);
    assertTrue(
        text.contains("portcullis_provider_info{kind=\"we\\\"ird\\\\\",name=\"x\"} 1\n"), text);

    String gauges =
        metrics.render(
            () ->
                new AgentMetrics.Gauges(
                    0, Map.of("odd\"state\n", 1), Map.of("back\\slash", 2), 0, 0, NO_UPDATES));
    assertTrue(gauges.contains("portcullis_executors{state=\"odd\\\"state\\n\"} 1\n"), gauges);
    assertTrue(gauges.contains("portcullis_tasks{state=\"back\\\\slash\"} 2\n"), gauges);
  }
}
