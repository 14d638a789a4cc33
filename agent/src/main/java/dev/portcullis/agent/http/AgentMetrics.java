package dev.portcullis.agent.http;

import dev.portcullis.agent.executor.Census;
import dev.portcullis.agent.executor.CoreObserver;
import dev.portcullis.agent.executor.KillReason;
import dev.portcullis.agent.updates.UpdateLog;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.GuardRefusals;
import dev.portcullis.core.EnforcementAction;
import dev.portcullis.core.ScanMode;
import dev.portcullis.core.ScanReport;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The agent's metrics, written in the Prometheus text exposition format (version 0.0.4). Every
 * labelled series that can exist is written from the start, at zero, so that a rate or an alert
 * never has to wait for a first occurrence.
 */
public final class AgentMetrics implements CoreObserver {

  private final Map<ScanMode, AtomicLong> scans = new EnumMap<>(ScanMode.class);
  private final AtomicLong scanNanos = new AtomicLong();

  /** How many of the last scans the summary's quantiles are over: two minutes at one a second. */
  static final int QUANTILE_SCANS = 128;

  private static final double[] QUANTILES = {0.5, 0.9, 0.99};
  private final RecentDurations recentScans = new RecentDurations(QUANTILE_SCANS);
  private final AtomicLong socketsSeen = new AtomicLong();
  private final AtomicLong scanFailures = new AtomicLong();
  private final Map<EnforcementAction.Outcome, AtomicLong> violations =
      new EnumMap<>(EnforcementAction.Outcome.class);
  private final Map<KillReason, AtomicLong> kills = new EnumMap<>(KillReason.class);
  private final AtomicLong refusedBinds = new AtomicLong();
  private final AtomicLong stoppedListeners = new AtomicLong();
  private final AtomicLong guarded = new AtomicLong();

  /** What each guard had refused at the last scan, so that counters grow by what is new. */
  private final Map<ContainerId, GuardRefusals> refusalsSeen = new HashMap<>();

  private final Map<String, String> providers;

  /**
   * @param providers the provider in use for each kind, such as {@code socket_source} → {@code
   *     netlink}
   */
  public AgentMetrics(Map<String, String> providers) {
    this.providers = new LinkedHashMap<>(providers);
    for (ScanMode mode : ScanMode.values()) {
      scans.put(mode, new AtomicLong());
    }
    for (EnforcementAction.Outcome outcome : EnforcementAction.Outcome.values()) {
      violations.put(outcome, new AtomicLong());
    }
    for (KillReason reason : KillReason.values()) {
      kills.put(reason, new AtomicLong());
    }
  }

  /** Counts one scan; a scan listener. */
  @Override
  public void scanned(ScanReport report) {
    scans.get(report.mode()).incrementAndGet();
    scanNanos.addAndGet(report.duration().toNanos());
    recentScans.add(report.duration().toNanos());
    socketsSeen.set(report.socketsSeen());
    for (EnforcementAction action : report.actions()) {
      violations.get(action.outcome()).incrementAndGet();
    }
    guardsRead(report.guardRefusals());
  }

  /**
   * Counts what the port guards refused, from a read of every guard (after a scan, or when a task
   * ended): only what grew since the previous read counts.
   */
  @Override
  public synchronized void guardsRead(Map<ContainerId, GuardRefusals> now) {
    for (Map.Entry<ContainerId, GuardRefusals> entry : now.entrySet()) {
      GuardRefusals before = refusalsSeen.getOrDefault(entry.getKey(), GuardRefusals.none());
      GuardRefusals after = entry.getValue();
      // A guard installed again starts from zero: only growth counts.
      refusedBinds.addAndGet(Math.max(0, after.binds() - before.binds()));
      stoppedListeners.addAndGet(Math.max(0, after.listeners() - before.listeners()));
    }
    refusalsSeen.keySet().retainAll(now.keySet());
    refusalsSeen.putAll(now);
    guarded.set(now.size());
  }

  @Override
  public void scanFailed() {
    scanFailures.incrementAndGet();
  }

  @Override
  public void killed(KillReason reason) {
    kills.get(reason).incrementAndGet();
  }

  /** What the agent holds now, read when the metrics are written. */
  record Gauges(
      int containersTracked,
      Map<String, Integer> executorsByState,
      Map<String, Integer> tasksByState,
      int eventReaders,
      long eventReadersDropped,
      UpdateLog.Figures updates) {

    /** The core's census, the event stream's readers, and the update log's figures. */
    static Gauges of(Census census, StatusStream stream, UpdateLog.Figures updates) {
      Map<String, Integer> tasks = new TreeMap<>();
      census.taskStates().forEach((state, count) -> tasks.put(state.name(), count));
      return new Gauges(
          census.trackedContainers(),
          census.executorStates(),
          tasks,
          stream.readers(),
          stream.dropped(),
          updates);
    }
  }

  /** The metrics in the Prometheus text format. */
  String render(Supplier<Gauges> current) {
    Gauges gauges = current.get();
    StringBuilder out = new StringBuilder();
    family(
        out,
        "portcullis_scans_total",
        "counter",
        "Scans of the host's listening sockets, by how sockets were attributed.");
    long count = 0;
    for (Map.Entry<ScanMode, AtomicLong> mode : scans.entrySet()) {
      count += mode.getValue().get();
      sample(
          out,
          "portcullis_scans_total",
          "mode",
          mode.getKey().name().toLowerCase(Locale.ROOT),
          mode.getValue().get());
    }
    family(
        out,
        "portcullis_scan_failures_total",
        "counter",
        "Scans that could not list the host's sockets.");
    sample(out, "portcullis_scan_failures_total", scanFailures.get());
    family(
        out,
        "portcullis_scan_duration_seconds",
        "summary",
        "How long scans took; the quantiles are over the last " + QUANTILE_SCANS + " scans.");
    long[] quantiles = recentScans.quantiles(QUANTILES);
    for (int i = 0; i < QUANTILES.length; i++) {
      // Before the first scan there is nothing to rank: NaN, as the format has it.
      out.append("portcullis_scan_duration_seconds{quantile=\"")
          .append(QUANTILES[i])
          .append("\"} ")
          .append(quantiles.length == 0 ? "NaN" : number(quantiles[i] / 1e9))
          .append('\n');
    }
    sample(out, "portcullis_scan_duration_seconds_sum", scanNanos.get() / 1e9);
    sample(out, "portcullis_scan_duration_seconds_count", count);
    family(
        out,
        "portcullis_sockets_seen",
        "gauge",
        "Listening sockets the last scan saw on the host.");
    sample(out, "portcullis_sockets_seen", socketsSeen.get());
    family(
        out,
        "portcullis_containers_tracked",
        "gauge",
        "Containers the isolator tracks, nested ones included.");
    sample(out, "portcullis_containers_tracked", gauges.containersTracked());
    family(
        out,
        "portcullis_violations_total",
        "counter",
        "Violations found by scans, by what was done about them.");
    for (Map.Entry<EnforcementAction.Outcome, AtomicLong> outcome : violations.entrySet()) {
      sample(
          out,
          "portcullis_violations_total",
          "outcome",
          outcome.getKey().name().toLowerCase(Locale.ROOT),
          outcome.getValue().get());
    }
    family(
        out,
        "portcullis_kills_total",
        "counter",
        "Executors whose containers the agent killed, by reason.");
    for (Map.Entry<KillReason, AtomicLong> reason : kills.entrySet()) {
      sample(
          out,
          "portcullis_kills_total",
          "reason",
          reason.getKey().label(),
          reason.getValue().get());
    }
    family(
        out,
        "portcullis_guard_refusals_total",
        "counter",
        "What the port guards refused, by kind: binds refused, listeners stopped.");
    sample(out, "portcullis_guard_refusals_total", "kind", "bind", refusedBinds.get());
    sample(out, "portcullis_guard_refusals_total", "kind", "listener", stoppedListeners.get());
    family(out, "portcullis_guarded_containers", "gauge", "Root containers with a port guard.");
    sample(out, "portcullis_guarded_containers", guarded.get());
    family(out, "portcullis_executors", "gauge", "Executors the agent holds, by state.");
    gauges
        .executorsByState()
        .forEach((state, n) -> sample(out, "portcullis_executors", "state", state, n));
    family(out, "portcullis_tasks", "gauge", "Tasks the agent holds, by state.");
    gauges.tasksByState().forEach((state, n) -> sample(out, "portcullis_tasks", "state", state, n));
    family(out, "portcullis_event_readers", "gauge", "Readers of the status update stream.");
    sample(out, "portcullis_event_readers", gauges.eventReaders());
    family(
        out,
        "portcullis_event_readers_dropped_total",
        "counter",
        "Readers dropped for falling too far behind.");
    sample(out, "portcullis_event_readers_dropped_total", gauges.eventReadersDropped());
    UpdateLog.Figures updates = gauges.updates();
    family(
        out,
        "portcullis_status_update_sequence",
        "gauge",
        "The sequence number of the last status update; it only grows, across restarts.");
    sample(out, "portcullis_status_update_sequence", updates.lastSequence());
    family(
        out,
        "portcullis_status_updates_acknowledged",
        "gauge",
        "The sequence number every status update up to which is acknowledged.");
    sample(out, "portcullis_status_updates_acknowledged", updates.acknowledged());
    family(
        out,
        "portcullis_status_updates_retained",
        "gauge",
        "Status updates kept for replay: unacknowledged, within --max_unacknowledged_updates.");
    sample(out, "portcullis_status_updates_retained", updates.retained());
    family(
        out,
        "portcullis_status_updates_dropped_total",
        "counter",
        "Unacknowledged status updates dropped, oldest first, over --max_unacknowledged_updates.");
    sample(out, "portcullis_status_updates_dropped_total", updates.dropped());
    family(
        out,
        "portcullis_status_update_log_write_failures_total",
        "counter",
        "Writes to the status update log that failed; a failed update is held and written later.");
    sample(out, "portcullis_status_update_log_write_failures_total", updates.writeFailures());
    family(
        out,
        "portcullis_status_update_log_compactions_total",
        "counter",
        "Rewrites of the status update log without what is no longer needed.");
    sample(out, "portcullis_status_update_log_compactions_total", updates.compactions());
    family(
        out, "portcullis_provider_info", "gauge", "The provider in use for each kind; always 1.");
    for (Map.Entry<String, String> provider : providers.entrySet()) {
      out.append("portcullis_provider_info{kind=\"")
          .append(escape(provider.getKey()))
          .append("\",name=\"")
          .append(escape(provider.getValue()))
          .append("\"} 1\n");
    }
    return out.toString();
  }

  private static void family(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void sample(StringBuilder out, String name, double value) {
    out.append(name).append(' ').append(number(value)).append('\n');
  }

  /** Counts and gauges are whole numbers: written exactly, never through a double. */
  private static void sample(StringBuilder out, String name, long value) {
    out.append(name).append(' ').append(value).append('\n');
  }

  private static void sample(
      StringBuilder out, String name, String label, String labelValue, long value) {
    out.append(name)
        .append('{')
        .append(label)
        .append("=\"")
        .append(escape(labelValue))
        .append("\"} ")
        .append(value)
        .append('\n');
  }

  private static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : Double.toString(value);
  }

  /** Label values escape backslash, double quote and line feed. */
  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
