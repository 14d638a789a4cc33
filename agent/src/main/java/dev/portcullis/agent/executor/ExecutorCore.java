package dev.portcullis.agent.executor;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.core.PortGuardException;
import dev.portcullis.core.PortsIsolator;
import dev.portcullis.core.PortsIsolatorBuilder;
import dev.portcullis.core.ScanReport;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's executor core: every executor it holds and every change to them — launching, watching
 * tasks end, enforcing their ports through the isolator it drives, killing, recovering — as a state
 * machine that answers with domain values. {@code portcullis run} is this core with one executor;
 * the daemon is this core behind HTTP and a checkpoint.
 *
 * <p>Not thread-safe: one thread makes every call (see {@link CoreLoop}), scans included, which the
 * core runs itself through {@link #scan()} rather than on a scheduler of the isolator's. So no two
 * changes race, and a scan that kills an executor for its ports has raised the limitation before
 * the core can see the killed tasks exit: they are reported limited, never merely exited. Each
 * limitation kills once, in the isolator; each other ending kills once, here.
 */
public final class ExecutorCore {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorCore.class);

  private final Holdings holdings;
  private final Endings endings;
  private final Launches launches;
  private final ScanBook scans;
  private final Reaper reaper;
  private final Recovery recovery;

  /**
   * @param tracker runs every task in its container; the isolator's tracker too
   * @param ports the isolator's builder, with its configuration and providers, when ports are
   *     isolated; the core adds its scan listener and clock and builds it, and never starts it
   * @param launcher starts the tasks' processes
   * @param sink takes every status update
   * @param journal records what is held after every change
   * @param observer counts scans and kills
   */
  public ExecutorCore(
      ProcessTracker tracker,
      Optional<PortsIsolatorBuilder> ports,
      TaskLauncher launcher,
      StatusSink sink,
      Journal journal,
      CoreObserver observer,
      CoreSettings settings,
      Clock clock) {
    Optional<PortsIsolator> isolator =
        ports.map(
            builder ->
                builder
                    .processTracker(tracker)
                    .clock(clock)
                    .onScan(report -> scanned(report))
                    .beforeKill(limitation -> limiting(limitation))
                    .build());
    this.holdings =
        new Holdings(tracker, isolator, launcher, sink, journal, observer, settings, clock);
    this.endings = new Endings(holdings);
    this.launches = new Launches(holdings, endings);
    this.scans = new ScanBook(holdings);
    this.reaper = new Reaper(holdings, endings, scans);
    this.recovery = new Recovery(holdings, endings);
  }

  private void scanned(ScanReport report) {
    scans.scanned(report);
  }

  private void limiting(ContainerLimitation limitation) {
    endings.limiting(limitation);
  }

  /** Starts with nothing to recover, leaving whatever else the tracker's root holds alone. */
  public void startFresh() {
    holdings.startRecording();
  }

  /**
   * Takes over what a previous agent recorded: completes every kill it decided on and did not
   * finish, kills every container under the root that no record knows, reports the tasks that ended
   * meanwhile, and runs a first scan, so that recovered tasks are enforced at once. Changes are
   * recorded from the moment every recorded executor is held again.
   *
   * @param reported the last status update reported of each task container, as a durable log of
   *     them holds it: one later than the record's was reported before the agent stopped, and is
   *     never reported again or contradicted
   * @throws IOException if the tracker cannot list its root
   */
  public void recover(List<ExecutorRecord> recorded, Map<ContainerId, TaskStatus> reported)
      throws IOException {
    int live = recovery.recover(recorded, reported);
    reaper.reap();
    LOG.info(
        "Recovered {} executor(s); {} task(s) were running when the agent stopped",
        holdings.executors().size(),
        live);
    scan();
    holdings.save();
  }

  /** Kills and removes every container under the root, recovering nothing. */
  public void cleanUpEverything() throws IOException {
    recovery.cleanUpEverything();
    holdings.startRecording();
  }

  /**
   * Launches an executor and its tasks.
   *
   * @throws ConflictException if an id is taken; nothing was changed
   * @throws LaunchFailedException if it was accepted but could not be carried out
   */
  public ExecutorRecord launch(ExecutorSpec spec) {
    return launches.launch(spec);
  }

  /**
   * Replaces an executor's allocation.
   *
   * @param resources the new resources, in the text form
   * @param ports their ports; empty for none
   * @throws UnknownExecutorException if no such executor is held
   * @throws ConflictException if it has terminated
   * @throws PortGuardException if its port guard cannot be rewritten: the new allocation is judged
   *     by scans and recorded, but the kernel still enforces the old one
   */
  public ExecutorRecord update(String executorId, String resources, PortRanges ports) {
    Executor executor = find(executorId);
    if (executor.terminated()) {
      throw new ConflictException(Optional.empty(), "executor '" + executorId + "' has terminated");
    }
    try {
      holdings.isolator.ifPresent(isolated -> isolated.update(executor.container(), ports));
    } catch (PortGuardException e) {
      // The isolator judges the new allocation already: keep the record in step with it.
      executor.allocate(resources, ports);
      holdings.save();
      throw e;
    }
    executor.allocate(resources, ports);
    holdings.save();
    LOG.info("Executor {} is now allocated ports {}", executorId, ports);
    return executor.record();
  }

  /**
   * Kills an executor's tasks, each reported {@code TASK_KILLED} with {@code message}; a terminated
   * one is left as it is.
   *
   * @throws UnknownExecutorException if no such executor is held
   */
  public ExecutorRecord kill(String executorId, String message) {
    Executor executor = find(executorId);
    if (!executor.terminated()) {
      LOG.info("Killing executor {}: {}", executorId, message);
      endings.kill(executor, new Termination.Killed(message), KillReason.KILL_REQUEST);
    }
    return executor.record();
  }

  /** Every executor held, running and terminated, in launch order. */
  public List<ExecutorRecord> executors() {
    return holdings.records();
  }

  /**
   * One executor.
   *
   * @throws UnknownExecutorException if no such executor is held
   */
  public ExecutorRecord executor(String executorId) {
    return find(executorId).record();
  }

  /** Reports every task that has ended since the last look. */
  public void reap() {
    reaper.reap();
  }

  /** Scans once, if ports are isolated, and ends every executor the scan limited. */
  public void scan() {
    scans.scan();
    endings.settleLimitations();
  }

  /** Whether ports are isolated: whether {@link #scan()} does anything. */
  public boolean isolatesPorts() {
    return holdings.isolator.isPresent();
  }

  /** The agent's health, as its API reports it. */
  public Health health() {
    long running = holdings.executors().stream().filter(e -> !e.terminated()).count();
    return new Health(running, isolatesPorts(), scans.scans(), scans.lastScan());
  }

  /** How many executors and tasks are in each state, for the gauges. */
  public Census census() {
    Map<String, Integer> executorStates = new TreeMap<>(Map.of("running", 0, "terminated", 0));
    Map<TaskState, Integer> taskStates = new TreeMap<>();
    for (TaskState state : TaskState.values()) {
      taskStates.put(state, 0);
    }
    for (Executor executor : holdings.executors()) {
      executorStates.merge(executor.terminated() ? "terminated" : "running", 1, Integer::sum);
      for (Task task : executor.tasks()) {
        taskStates.merge(task.state(), 1, Integer::sum);
      }
    }
    int tracked = holdings.isolator.map(ports -> ports.trackedContainers().size()).orElse(0);
    return new Census(tracked, executorStates, taskStates);
  }

  /**
   * Records what is held once more, as before stopping: a record that failed at the last change is
   * then retried. Nothing is recorded before recovery holds every recorded executor again.
   */
  public void save() {
    holdings.save();
  }

  /** Closes the isolator; the tasks go on running. */
  public void close() {
    holdings.isolator.ifPresent(PortsIsolator::close);
  }

  private Executor find(String executorId) {
    return holdings
        .executor(executorId)
        .orElseThrow(() -> new UnknownExecutorException(executorId));
  }
}
