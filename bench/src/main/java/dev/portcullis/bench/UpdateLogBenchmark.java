package dev.portcullis.bench;

import dev.portcullis.agent.executor.TaskState;
import dev.portcullis.agent.executor.TaskStatus;
import dev.portcullis.agent.executor.Termination;
import dev.portcullis.agent.updates.SequencedUpdate;
import dev.portcullis.agent.updates.UpdateLog;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.PortRanges;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * What the agent daemon's durable status update log costs, beside its reference from the same run:
 *
 * <ul>
 *   <li>{@code append}: {@link UpdateLog#append} of a terminal update with a port limitation, as
 *       the daemon appends one before publishing it;
 *   <li>{@code writeAndForce}, the reference: a positional {@link FileChannel#write} of a copy of
 *       that update's record line at the end of a plain file in the same directory, then {@code
 *       force(false)} ({@code fdatasync}), which any durable append must pay;
 *   <li>{@code acknowledge}: {@link UpdateLog#acknowledge} of one more update, with the compactions
 *       that acknowledging brings on.
 * </ul>
 *
 * The log is opened with the daemon's default bound, {@value #MAX_RETAINED} unacknowledged updates.
 * Each iteration starts, untimed, with every update acknowledged and reflected in the checkpoint,
 * as a client and the daemon's checkpoint saves would do, so that the file stays small; within an
 * iteration the log only grows. The files live in a fresh directory under {@code directory}
 * (default {@code /var/tmp}, a disk's file system rather than tmpfs), removed at the end. Run with
 * {@code bench/run UpdateLogBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class UpdateLogBenchmark {

  /** The daemon's default {@code --max_unacknowledged_updates}. */
  static final int MAX_RETAINED = 10_000;

  /** Where the benchmark's directory is made. */
  @Param({"/var/tmp"})
  public String directory;

  private Path workDir;
  private UpdateLog log;
  private final TaskStatus update = limitedTask();
  private FileChannel plain;
  private ByteBuffer line;
  private long plainLength;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    workDir = Files.createTempDirectory(Path.of(directory), "portcullis-bench-updates-");
    try {
      System.out.println(
          "The update log is in "
              + workDir
              + ", on a file system of type "
              + Files.getFileStore(workDir).type());
      log = UpdateLog.open(workDir, MAX_RETAINED);
      if (log.append(update).size() != 1) {
        throw new IllegalStateException("the first append was not written");
      }
      // The record just written is the log's one line: the reference writes the same bytes.
      line = ByteBuffer.wrap(Files.readAllBytes(log.file()));
      plain =
          FileChannel.open(
              workDir.resolve("plain.log"),
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
    } catch (Exception | Error e) {
      tearDown();
      throw e;
    }
  }

  /**
   * A task of an executor, limited for listening on two unallocated ports: the longest update the
   * daemon usually writes.
   */
  private static TaskStatus limitedTask() {
    ContainerId executor = ContainerId.of(new UUID(0x5eedL, 1).toString());
    ContainerId task = executor.child(new UUID(0x5eedL, 2).toString());
    ContainerLimitation limitation =
        ContainerLimitation.builder()
            .container(executor)
            .ports(PortRanges.of(8080, 9090))
            .message(
                "Container "
                    + executor
                    + " is listening on unallocated port(s): "
                    + PortRanges.of(8080, 9090))
            .build();
    return TaskStatus.of(
            Optional.of("web-7"),
            "web-7-server",
            task,
            TaskState.TASK_RUNNING,
            Instant.parse("2025-06-01T12:00:00.123456Z"))
        .endedBy(new Termination.Limited(limitation));
  }

  /** Acknowledges and reflects everything, so that the log compacts, and empties the plain file. */
  @Setup(Level.Iteration)
  public void startIteration() throws IOException {
    log.acknowledge(log.lastDurable());
    log.reflectedUpTo(log.lastSequence());
    plain.truncate(0);
    plain.force(true);
    plainLength = 0;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (log != null) {
      System.out.println(
          "The update log took "
              + log.lastSequence()
              + " updates and compacted "
              + log.compactions()
              + " times");
      log.close();
    }
    if (plain != null) {
      plain.close();
    }
    if (workDir != null) {
      try (Stream<Path> files = Files.walk(workDir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
  }

  @Benchmark
  public List<SequencedUpdate> append() {
    List<SequencedUpdate> written = log.append(update);
    if (written.size() != 1) {
      throw new IllegalStateException("the append was not written: " + written);
    }
    return written;
  }

  @Benchmark
  public long writeAndForce() throws IOException {
    line.rewind();
    while (line.hasRemaining()) {
      plainLength += plain.write(line, plainLength);
    }
    plain.force(false);
    return plainLength;
  }

  /** One more update for {@code acknowledge} to acknowledge, appended before it, untimed. */
  @State(Scope.Benchmark)
  public static class Unacknowledged {
    long upTo;

    @Setup(Level.Invocation)
    public void appendOne(UpdateLogBenchmark benchmark) {
      benchmark.append();
      // As the daemon's checkpoint save after an update does.
      benchmark.log.reflectedUpTo(benchmark.log.lastSequence());
      upTo = benchmark.log.lastSequence();
    }
  }

  @Benchmark
  public long acknowledge(Unacknowledged unacknowledged) throws IOException {
    return log.acknowledge(unacknowledged.upTo);
  }
}
