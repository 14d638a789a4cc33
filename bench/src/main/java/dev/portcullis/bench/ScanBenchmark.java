package dev.portcullis.bench;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.Protocol;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.api.SocketHolders;
import dev.portcullis.api.SocketSource;
import dev.portcullis.core.PortsIsolator;
import dev.portcullis.core.ScanMode;
import dev.portcullis.core.ScanReport;
import dev.portcullis.core.config.IsolatorConfig;
import dev.portcullis.core.policy.MesosPolicy;
import dev.portcullis.core.providers.ProviderLoader;
import dev.portcullis.core.providers.ProviderSelector;
import dev.portcullis.testkit.linux.ScratchCgroups;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * One scan on real host state: {@code containers} containers under a scratch root, holding {@code
 * socketsPerContainer} TCP listeners each, every one of them allocated (the common case: nothing to
 * confirm or kill). Two layouts:
 *
 * <ul>
 *   <li>{@code flat}: a cgroup per container and one process in it, which holds the listeners;
 *   <li>{@code daemon}: as the agent daemon lays out an executor of one task: the executor's
 *       container, its task's container nested in it ({@code <executor>/mesos/<task>}), both
 *       tracked, and in the task's cgroup two processes, a waiting parent (the supervising shell)
 *       and its child, which holds the listeners.
 * </ul>
 *
 * <ul>
 *   <li>{@code receiveOnlyDump}: the two dumps received and counted, nothing decoded — the kernel's
 *       floor, through the same binding and buffer size;
 *   <li>{@code bareDump}: the netlink snapshot alone, decoded, with no attribution;
 *   <li>{@code fastScan}: a scan on the fast path (netlink cgroup ids + cgroup v2 ids);
 *   <li>{@code fastScanOncePerSecond} and {@code receiveOnlyDumpOncePerSecond}: the same, one a
 *       second as the agent scans, each the time of one call;
 *   <li>{@code exactScan}: a scan on the exact path, by the cgroups of the sockets' holders, which
 *       the netlink source reads with one BPF iterator read;
 *   <li>{@code exactScanByDescriptors}: the exact path where there are no holders: every
 *       container's pids from its cgroups, every pid's descriptors from {@code /proc};
 *   <li>{@code holdersRead}: that one read of every process's sockets alone;
 *   <li>{@code ssLtnp}: the {@code ss -ltnp} command on the same state, for reference.
 * </ul>
 *
 * Needs root on Linux with a cgroup v2 hierarchy. Run with {@code bench/run}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ScanBenchmark {

  @Param({"100", "1000"})
  public int containers;

  @Param({"10"})
  public int socketsPerContainer;

  @Param({"flat", "daemon"})
  public String layout;

  private ScratchCgroups scratch;
  private Process builder;
  private SocketSource source;
  private PortsIsolator fast;
  private PortsIsolator exact;
  private PortsIsolator exactByDescriptors;
  private ReceiveOnlyDump receiveOnly;
  private final Set<Protocol> tcp = EnumSet.of(Protocol.TCP);

  @Setup(Level.Trial)
  public void buildHost() throws Exception {
    scratch = new ScratchCgroups();
    try {
      Map<String, String> flags =
          Map.of(
              IsolatorConfig.SOCKET_SOURCE,
              "netlink",
              IsolatorConfig.PROCESS_TRACKER,
              "cgroups-v2",
              "cgroups_root",
              scratch.name());
      ProviderSettings settings = IsolatorConfig.fromFlags(flags).providerSettings();
      ProviderLoader loader = ProviderLoader.serviceLoader();
      source =
          ProviderSelector.select(SocketSource.class, Optional.of("netlink"), settings, loader)
              .provider();
      ProcessTracker tracker =
          ProviderSelector.select(ProcessTracker.class, Optional.of("cgroups-v2"), settings, loader)
              .provider();
      if (source.socketHolders().isEmpty()) {
        System.err.println(
            "This host gives no socket holders (no BPF task_file iterator for this process):"
                + " exactScan reads descriptors, as exactScanByDescriptors does");
      }
      fast = isolator(flags, Integer.MAX_VALUE, tracker, source);
      exact = isolator(flags, 1, tracker, source);
      exactByDescriptors = isolator(flags, 1, tracker, new DescriptorsOnly(source));
      receiveOnly = new ReceiveOnlyDump();

      List<String> procs = new ArrayList<>();
      Path root = scratch.v2().orElseThrow(() -> new IllegalStateException("no cgroup v2"));
      boolean daemon =
          switch (layout) {
            case "flat" -> false;
            case "daemon" -> true;
            default ->
                throw new IllegalArgumentException("layout is flat or daemon, not " + layout);
          };
      for (int i = 0; i < containers; i++) {
        ContainerId id = ContainerId.of("c" + i);
        tracker.create(id);
        fast.prepare(id, ContainerConfig.withPorts(PortRanges.all()));
        exact.prepare(id, ContainerConfig.withPorts(PortRanges.all()));
        exactByDescriptors.prepare(id, ContainerConfig.withPorts(PortRanges.all()));
        Path cgroup = root.resolve(id.value());
        if (daemon) {
          ContainerId task = id.child("t" + i);
          tracker.create(task);
          ContainerConfig nested =
              ContainerConfig.builder().ports(PortRanges.empty()).taskId("t" + i).build();
          fast.prepare(task, nested);
          exact.prepare(task, nested);
          exactByDescriptors.prepare(task, nested);
          cgroup = cgroup.resolve("mesos").resolve(task.value());
        }
        procs.add(cgroup.resolve("cgroup.procs").toString());
      }
      startBuilder(procs, daemon);

      // Scan 1 is always a full one; after it the fast isolator stays on the fast path.
      fast.reconcileOnce();
      ScanReport check = fast.reconcileOnce();
      if (check.mode() != ScanMode.FAST
          || check.socketsSeen() < containers * socketsPerContainer
          || !check.violations().isEmpty()) {
        throw new IllegalStateException("The host is not what the benchmark needs: " + check);
      }
    } catch (Exception | Error e) {
      tearDown();
      throw e;
    }
  }

  private PortsIsolator isolator(
      Map<String, String> flags, int fullScanEvery, ProcessTracker tracker, SocketSource source) {
    Map<String, String> withCadence = new java.util.HashMap<>(flags);
    withCadence.put(
        IsolatorConfig.CONTAINER_PORTS_FULL_SCAN_EVERY, Integer.toString(fullScanEvery));
    return PortsIsolator.builder()
        .config(IsolatorConfig.fromFlags(withCadence))
        .socketSource(source)
        .processTracker(tracker)
        .policy(new MesosPolicy())
        .scheduler((scan, initialDelay, delay) -> () -> {})
        .build();
  }

  private void startBuilder(List<String> procs, boolean withParents) throws IOException {
    Path script = Files.createTempFile("portcullis-hostbuild", ".py");
    Path list = Files.createTempFile("portcullis-hostbuild", ".txt");
    try (InputStream in = ScanBenchmark.class.getResourceAsStream("hostbuild.py")) {
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.write(list, procs);
    builder =
        new ProcessBuilder(
                "python3",
                script.toString(),
                Integer.toString(socketsPerContainer),
                list.toString(),
                withParents ? "parents" : "flat")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String ready =
        new BufferedReader(new InputStreamReader(builder.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    Files.deleteIfExists(script);
    Files.deleteIfExists(list);
    if (!"ready".equals(ready)) {
      throw new IllegalStateException("The host builder failed: " + ready);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (builder != null) {
      builder.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      builder.destroyForcibly();
    }
    if (fast != null) {
      fast.close();
    }
    if (exact != null) {
      exact.close();
    }
    if (exactByDescriptors != null) {
      exactByDescriptors.close();
    }
    if (receiveOnly != null) {
      receiveOnly.close();
    }
    scratch.close();
  }

  @Benchmark
  public int receiveOnlyDump() throws IOException {
    return receiveOnly.dump();
  }

  @Benchmark
  public List<ListeningSocket> bareDump() throws IOException {
    return source.listeningSockets(tcp);
  }

  @Benchmark
  public ScanReport fastScan() {
    return fast.reconcileOnce();
  }

  /** A second's pause before each iteration, as the agent scans once a second. */
  @State(Scope.Thread)
  public static class OncePerSecond {
    @Setup(Level.Iteration)
    public void pause() throws InterruptedException {
      Thread.sleep(1000);
    }
  }

  /**
   * One fast scan a second, as the agent's scan loop runs it at {@code
   * --container_ports_watch_interval=1secs}: the kernel's socket tables and the scan's data are no
   * longer in the caches when it starts, which scans back to back never see.
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 5, batchSize = 500) // back to back, for the compiler, as a day of scans is
  @Measurement(iterations = 30)
  public ScanReport fastScanOncePerSecond(OncePerSecond pace) {
    return fast.reconcileOnce();
  }

  /** The receive-only dump at the same pace: the floor for {@link #fastScanOncePerSecond}. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 5, batchSize = 500)
  @Measurement(iterations = 30)
  public int receiveOnlyDumpOncePerSecond(OncePerSecond pace) throws IOException {
    return receiveOnly.dump();
  }

  @Benchmark
  public ScanReport exactScan() {
    return exact.reconcileOnce();
  }

  /**
   * The exact path as it was before socket holders, and as it is on a host without the BPF
   * iterator: every container's processes from its cgroups, then every process's descriptors.
   */
  @Benchmark
  public ScanReport exactScanByDescriptors() {
    return exactByDescriptors.reconcileOnce();
  }

  /** One read of every process's sockets, which the exact path attributes by. */
  @Benchmark
  public Optional<SocketHolders> holdersRead() throws IOException {
    return source.socketHolders();
  }

  /** The netlink source without its holders, so that exact scans read each process's fds. */
  private static final class DescriptorsOnly implements SocketSource {
    private final SocketSource delegate;

    DescriptorsOnly(SocketSource delegate) {
      this.delegate = delegate;
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
      return delegate.unavailabilityCause();
    }

    @Override
    public List<ListeningSocket> listeningSockets(Set<Protocol> protocols) throws IOException {
      return delegate.listeningSockets(protocols);
    }

    @Override
    public Set<Long> socketInodes(long pid) throws IOException {
      return delegate.socketInodes(pid);
    }

    @Override
    public boolean reportsCgroupIds() {
      return delegate.reportsCgroupIds();
    }
  }

  @Benchmark
  public int ssLtnp() throws Exception {
    Process ss = new ProcessBuilder("ss", "-ltnp").redirectErrorStream(true).start();
    int bytes = ss.getInputStream().readAllBytes().length;
    if (ss.waitFor() != 0) {
      throw new IllegalStateException("ss -ltnp failed");
    }
    return bytes;
  }
}
