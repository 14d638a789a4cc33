package dev.portcullis.bench;

import dev.portcullis.api.BindAllowance;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortGuard;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.testkit.linux.FreePorts;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the {@code bpf} port guard costs the agent, each figure beside its reference from the same
 * run:
 *
 * <ul>
 *   <li>{@code install}: creating a container's cgroup with a guard, then removing guard and
 *       cgroup, against {@code createCgroup}, the same cgroup created and removed unguarded;
 *   <li>{@code update}: replacing what a guard allows (alternating two allocations).
 * </ul>
 *
 * {@link GuardBindBenchmark} measures what it costs a task's {@code bind()}. Needs root on Linux
 * with a cgroup v2 hierarchy. Run with {@code bench/run 'Guard.*Benchmark'}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GuardBenchmark {

  private ScratchCgroups scratch;
  private PortGuard portGuard;
  private ProcessTracker tracker;
  private final ContainerId updated = ContainerId.of("updated");
  private long installs;
  private boolean flip;
  private BindAllowance one;
  private BindAllowance other;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    scratch = new ScratchCgroups();
    try {
      GuardedHost host = GuardedHost.under(scratch);
      portGuard = host.guard();
      tracker = host.tracker();
      int allowedPort = FreePorts.tcp();
      int refusedPort = FreePorts.tcp();
      one = GuardedHost.allowing(PortRanges.of(allowedPort));
      other = GuardedHost.allowing(PortRanges.of(allowedPort, refusedPort));
      portGuard.install(updated, one);
    } catch (Exception | Error e) {
      tearDown();
      throw e;
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    scratch.close();
  }

  @Benchmark
  public void install() throws IOException {
    ContainerId container = ContainerId.of("install-" + installs++);
    portGuard.install(container, one);
    portGuard.remove(container);
    tracker.remove(container);
  }

  @Benchmark
  public void createCgroup() throws IOException {
    ContainerId container = ContainerId.of("plain-" + installs++);
    tracker.create(container);
    tracker.remove(container);
  }

  @Benchmark
  public void update() throws IOException {
    flip = !flip;
    portGuard.update(updated, flip ? other : one);
  }
}
