package dev.portcullis.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spawner against the real kernel: real children, their descriptors, sessions and ends. */
@RequiresLinuxRoot
class SpawnerTest {

  /** Only a bound against hanging. */
  private static final long PATIENCE_MILLIS = 30_000;

  @TempDir Path directory;

  private final List<SpawnedChild> started = new ArrayList<>();

  @AfterEach
  void killEveryChild() throws Exception {
    for (SpawnedChild child : started) {
      child.kill();
    }
    for (SpawnedChild child : started) {
      awaitExit(child);
    }
  }

  private SpawnedChild spawn(String script, Map<String, String> environment) throws IOException {
    SpawnedChild child =
        Spawner.get()
            .spawn(
                new SpawnRequest(
                    List.of("/bin/sh", "-c", "read _ || exit 111; " + script),
                    directory,
                    environment,
                    Output.appendTo(directory.resolve("stdout")),
                    Output.appendTo(directory.resolve("stderr"))));
    started.add(child);
    return child;
  }

  private SpawnedChild spawn(String script) throws IOException {
    return spawn(script, Map.of());
  }

  private static int awaitExit(SpawnedChild child) throws Exception {
    long deadline = System.currentTimeMillis() + PATIENCE_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      Optional<Integer> status = child.exitStatus();
      if (status.isPresent()) {
        return status.get();
      }
      Thread.sleep(5);
    }
    throw new AssertionError(child + " did not exit");
  }

  private static void awaitGone(long pid) throws InterruptedException {
    long deadline = System.currentTimeMillis() + PATIENCE_MILLIS;
    while (Files.exists(Path.of("/proc/" + pid))) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("process " + pid + " is still there, reaped by no one");
      }
      Thread.sleep(5);
    }
  }

  /** Waits until the child has exec'd the program (posix_spawn may return just before). */
  private static void awaitProgram(SpawnedChild child, String name) throws Exception {
    long deadline = System.currentTimeMillis() + PATIENCE_MILLIS;
    while (!Files.readString(Path.of("/proc/" + child.pid() + "/comm")).strip().equals(name)) {
      assertTrue(System.currentTimeMillis() < deadline, "the child never became " + name);
      Thread.sleep(5);
    }
  }

  private String read(String file) throws IOException {
    return Files.readString(directory.resolve(file), StandardCharsets.UTF_8);
  }

  private static String statusLine(long pid, String name) throws IOException {
    return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
        .filter(line -> line.startsWith(name + ":"))
        .findFirst()
        .orElseThrow()
        .substring(name.length() + 1)
        .strip();
  }

  /** The descriptors of this JVM that an exec would keep: those without {@code O_CLOEXEC}. */
  private static Set<Integer> inheritableDescriptors() throws IOException {
    Set<Integer> inheritable = new TreeSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fdinfo"))) {
      for (Path fd : fds.toList()) {
        try {
          for (String line : Files.readAllLines(fd)) {
            if (line.startsWith("flags:")
                && (Integer.parseInt(line.substring(6).strip(), 8) & 02000000) == 0) {
              inheritable.add(Integer.parseInt(fd.getFileName().toString()));
            }
          }
        } catch (NoSuchFileException closedMeanwhile) {
          // The descriptor of the listing itself, or one closed by another thread.
        }
      }
    }
    return inheritable;
  }

  @Test
  void aChildIsHeldUntilReleasedThenRunsWhereAndWithWhatItWasGiven() throws Exception {
    SpawnedChild child =
        spawn("echo \"$GREETING\"; pwd; echo err >&2; exit 7", Map.of("GREETING", "a b"));
    assertTrue(child.pid() > 0);
    Thread.sleep(200);
    assertEquals(Optional.empty(), child.exitStatus(), "held until released");
    assertEquals("", read("stdout"));

    child.release();
    assertEquals(7, awaitExit(child));
    assertEquals("a b\n" + directory.toRealPath() + "\n", read("stdout"));
    assertEquals("err\n", read("stderr"));
  }

  /**
   * The count of ended children grows for each one reaped, and never before its status tells: a
   * look that reads the count, then asks a child still running, sees the count grow once it ends.
   */
  @Test
  void theEndedCountGrowsOnceEachChildsStatusTells() throws Exception {
    Spawner spawner = Spawner.get();
    SpawnedChild first = spawn("exit 0");
    SpawnedChild second = spawn("exit 0");
    long before = spawner.ended();
    assertEquals(Optional.empty(), first.exitStatus(), "held");
    first.release();
    second.release();
    awaitExit(first);
    awaitExit(second);
    long deadline = System.currentTimeMillis() + PATIENCE_MILLIS;
    while (spawner.ended() < before + 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(5);
    }
    assertTrue(spawner.ended() >= before + 2, spawner.ended() + " ended, " + before + " before");
  }

  @Test
  void theEnvironmentIsExactlyTheOneGiven() throws Exception {
    SpawnedChild child = spawn("env | grep -v '^PWD=' | sort", Map.of("A", "1", "B", "x=y"));
    child.release();
    assertEquals(0, awaitExit(child));
    assertEquals("A=1\nB=x=y\n", read("stdout"));
  }

  @Test
  void outputIsAppended() throws Exception {
    Files.writeString(directory.resolve("stdout"), "earlier\n");
    SpawnedChild child = spawn("echo later");
    child.release();
    assertEquals(0, awaitExit(child));
    assertEquals("earlier\nlater\n", read("stdout"));
  }

  @Test
  void aChildKeepsNoDescriptorOfTheSpawnersButItsThree() throws Exception {
    assertFalse(
        inheritableDescriptors().stream().noneMatch(fd -> fd > 2),
        "this JVM holds a descriptor an exec would keep, so the test can fail");
    // Not the shell, which opens descriptors of its own.
    SpawnedChild child =
        Spawner.get()
            .spawn(
                new SpawnRequest(
                    List.of("sleep", "600"),
                    directory,
                    Map.of("PATH", System.getenv("PATH")),
                    Output.discard(),
                    Output.discard()));
    started.add(child);
    awaitProgram(child, "sleep");
    try (Stream<Path> fds = Files.list(Path.of("/proc/" + child.pid() + "/fd"))) {
      assertEquals(
          "0 1 2",
          fds.map(fd -> fd.getFileName().toString()).sorted().collect(Collectors.joining(" ")));
    }
  }

  @Test
  void aChildLeadsASessionOfItsOwnWithNoSignalBlockedOrIgnored() throws Exception {
    SpawnedChild child = spawn("exit 0");
    // Held in read: the shell's own state, before it runs anything.
    awaitProgram(child, "sh");
    String stat = Files.readString(Path.of("/proc/" + child.pid() + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    assertEquals(String.valueOf(child.pid()), fields[3], "session id in " + stat);
    assertEquals(0, Long.parseLong(statusLine(child.pid(), "SigBlk"), 16), "blocked");
    // glibc's spawn leaves its two internal signals (32 and 33) ignored, as in every child the
    // JDK starts; none of the standard ones may be.
    assertEquals(0, Long.parseLong(statusLine(child.pid(), "SigIgn"), 16) & 0x7fffffffL, "ignored");
    child.release();
    assertEquals(0, awaitExit(child));
  }

  @Test
  void aChildKilledBySignalReportsOneHundredTwentyEightPlusIt() throws Exception {
    SpawnedChild child = spawn("kill -TERM $$");
    child.release();
    assertEquals(128 + 15, awaitExit(child));
  }

  @Test
  void aChildKilledBeforeReleaseRunsNothingAndIsReaped() throws Exception {
    SpawnedChild child = spawn("echo ran > ran");
    child.kill();
    assertEquals(128 + 9, awaitExit(child));
    awaitGone(child.pid());
    assertFalse(Files.exists(directory.resolve("ran")));
    IOException late = assertThrows(IOException.class, child::release);
    assertTrue(late.getMessage().contains("already released or killed"), late.getMessage());
  }

  @Test
  void releasingAChildThatDiedFailsAndKillingItIsHarmless() throws Exception {
    SpawnedChild child = spawn("echo ran > ran");
    Process kill = new ProcessBuilder("kill", "-KILL", String.valueOf(child.pid())).start();
    assertEquals(0, kill.waitFor());
    assertEquals(128 + 9, awaitExit(child));
    IOException e = assertThrows(IOException.class, child::release);
    assertTrue(e.getMessage().contains("exited before it was released"), e.getMessage());
    child.kill();
    assertEquals(Optional.of(128 + 9), child.exitStatus());
  }

  @Test
  void aChildNobodyAsksAboutIsReapedAllTheSame() throws Exception {
    SpawnedChild child = spawn("exit 3");
    child.release();
    awaitGone(child.pid());
    assertEquals(Optional.of(3), child.exitStatus());
  }

  @Test
  void aThousandChildrenCostOneThread() throws Exception {
    int before = Thread.activeCount();
    List<SpawnedChild> children = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      children.add(spawn("exit " + (i % 200)));
    }
    int during = Thread.activeCount();
    for (SpawnedChild child : children) {
      child.release();
    }
    for (int i = 0; i < children.size(); i++) {
      assertEquals(i % 200, awaitExit(children.get(i)), children.get(i).toString());
    }
    assertTrue(during - before <= 1, before + " threads before, " + during + " with the children");
  }

  @Test
  void theJdksOwnChildrenAreLeftToTheJdk() throws Exception {
    SpawnedChild ours = spawn("exit 4");
    List<Process> theirs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      theirs.add(new ProcessBuilder("sh", "-c", "exit " + i).start());
    }
    ours.release();
    for (int i = 0; i < theirs.size(); i++) {
      assertTrue(theirs.get(i).waitFor(PATIENCE_MILLIS, TimeUnit.MILLISECONDS));
      assertEquals(i, theirs.get(i).exitValue(), "the JDK's child " + i + " kept its status");
    }
    assertEquals(4, awaitExit(ours));
  }

  @Test
  void aMissingProgramIsNamedInTheError() {
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                Spawner.get()
                    .spawn(
                        new SpawnRequest(
                            List.of(directory.resolve("absent").toString()),
                            directory,
                            Map.of(),
                            Output.discard(),
                            Output.discard())));
    assertTrue(e.getMessage().contains("absent"), e.getMessage());
    assertTrue(e.getMessage().contains("errno 2"), e.getMessage());
  }

  @Test
  void aMissingDirectoryFails() {
    Path missing = directory.resolve("absent");
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                Spawner.get()
                    .spawn(
                        new SpawnRequest(
                            List.of("/bin/true"),
                            missing,
                            Map.of(),
                            Output.discard(),
                            Output.discard())));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  @Test
  void aDiscardedOutputIsWrittenWithoutError() throws Exception {
    SpawnedChild child =
        Spawner.get()
            .spawn(
                new SpawnRequest(
                    List.of("/bin/sh", "-c", "read _; echo out && echo err >&2"),
                    directory,
                    Map.of(),
                    Output.discard(),
                    Output.discard()));
    started.add(child);
    child.release();
    assertEquals(0, awaitExit(child));
    try (Stream<Path> files = Files.list(directory)) {
      assertEquals(List.of(), files.toList());
    }
  }

  @Test
  void decodingFollowsTheWaitStatusLayout() {
    assertEquals(0, SpawnedChild.decode(0));
    assertEquals(3, SpawnedChild.decode(3 << 8));
    assertEquals(255, SpawnedChild.decode(255 << 8));
    assertEquals(128 + 9, SpawnedChild.decode(9));
    assertEquals(128 + 11, SpawnedChild.decode(11 | 0x80), "a core dump still names the signal");
  }
}
