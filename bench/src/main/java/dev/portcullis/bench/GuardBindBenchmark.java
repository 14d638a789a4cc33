package dev.portcullis.bench;

import dev.portcullis.api.BindAllowance;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortGuard;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.testkit.linux.FreePorts;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the {@code bpf} port guard costs a task's {@code bind()}: {@code socket()}, {@code bind()}
 * and {@code close()} of a TCP socket on an allowed port by this benchmark's own process, moved
 * into a guarded cgroup ({@code guard=bpf}) or into an unguarded sibling ({@code guard=none}, the
 * reference). {@code bindRefused} is a bind to a port the guard refuses with {@code EPERM} (and
 * that an unguarded process binds).
 *
 * <p>Needs root on Linux with a cgroup v2 hierarchy. Run with {@code bench/run 'Guard.*Benchmark'}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GuardBindBenchmark {

  /** Where the process stands while binding: in a guarded cgroup or an unguarded one. */
  @Param({"none", "bpf"})
  public String guard;

  private ScratchCgroups scratch;
  private PortGuard portGuard;
  private ProcessTracker tracker;
  private final ContainerId bindHere = ContainerId.of("bind-here");
  private Path originalCgroup;
  private BindAllowance one;
  private InetSocketAddress allowed;
  private InetSocketAddress refused;

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
      tracker.create(bindHere);
      if (guard.equals("bpf")) {
        portGuard.install(bindHere, one);
      }
      originalCgroup = ownCgroup();
      tracker.place(bindHere, ProcessHandle.current().pid());
      InetAddress loopback = InetAddress.getLoopbackAddress();
      allowed = new InetSocketAddress(loopback, allowedPort);
      refused = new InetSocketAddress(loopback, refusedPort);
    } catch (Exception | Error e) {
      tearDown();
      throw e;
    }
  }

  /** This process's cgroup v2 directory, from {@code /proc/self/cgroup}. */
  private Path ownCgroup() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
      if (line.startsWith("0::")) {
        return scratch.v2Mount().orElseThrow().resolve(line.substring(3).replaceFirst("^/", ""));
      }
    }
    throw new IOException("this process is in no cgroup v2 directory");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (originalCgroup != null) {
      // Every thread of this JVM goes back, so that the scratch cgroups can be removed.
      Files.writeString(
          originalCgroup.resolve("cgroup.procs"), Long.toString(ProcessHandle.current().pid()));
    }
    scratch.close();
  }

  @Benchmark
  public void bind() throws IOException {
    try (ServerSocketChannel channel = ServerSocketChannel.open()) {
      channel.bind(allowed);
    }
  }

  @Benchmark
  public boolean bindRefused() throws IOException {
    try (ServerSocketChannel channel = ServerSocketChannel.open()) {
      channel.bind(refused);
      return true;
    } catch (java.net.SocketException e) {
      return false;
    }
  }
}
