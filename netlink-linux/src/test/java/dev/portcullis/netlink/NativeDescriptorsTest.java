package dev.portcullis.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.linux.ProcessDescriptors;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The native reader of {@code /proc/<pid>/fd} gives what the JDK's file API reads there. */
@RequiresLinuxRoot
class NativeDescriptorsTest {

  private final ProcessDescriptors jdk = new ProcessDescriptors();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeEverything() throws Exception {
    Host.closeAll(open);
  }

  private static NativeDescriptors descriptors() throws IOException {
    return new NativeDescriptors(LibCBinding.get());
  }

  /** What the JDK reads, or the failure, as a value to compare. */
  private static Object outcome(IoCall call) {
    try {
      return call.get();
    } catch (IOException e) {
      return "IOException";
    }
  }

  @FunctionalInterface
  private interface IoCall {
    Set<Long> get() throws IOException;
  }

  @Test
  void everyProcessOfTheHostReadsAsTheJdkReadsIt() throws Exception {
    NativeDescriptors descriptors = descriptors();
    List<Long> pids = Host.pids();
    int compared = 0;
    for (long pid : pids) {
      // A process may open or close descriptors between two reads: only one that reads the
      // same twice through the JDK, before and after, is compared.
      Object before = outcome(() -> jdk.socketInodes(pid));
      Object read = outcome(() -> descriptors.socketInodes(pid));
      Object after = outcome(() -> jdk.socketInodes(pid));
      if (before.equals(after)) {
        assertEquals(before, read, "process " + pid);
        compared++;
      }
    }
    assertTrue(compared > pids.size() / 2, compared + " of " + pids.size() + " compared");
  }

  @Test
  void aProcessWithMoreDescriptorsThanOneBufferListsThemAll() throws Exception {
    Set<Long> before = Host.ownSocketInodes();
    for (int i = 0; i < 2000; i++) {
      open.add(ServerSocketChannel.open());
    }
    Set<Long> added = new HashSet<>(descriptors().socketInodes(Host.SELF));
    added.removeAll(before);
    assertEquals(2000, added.size());
    assertEquals(Host.ownSocketInodes(), descriptors().socketInodes(Host.SELF));
  }

  @Test
  void aProcessThatExitedHoldsNothing() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    assertEquals(0, gone.waitFor());
    assertEquals(Set.of(), descriptors().socketInodes(gone.pid()));
  }

  @Test
  void aProcessWhoseDescriptorsCannotBeListedIsAnErrorNamingIt() throws Exception {
    // pid 1 is unreadable to root in some sandboxes; elsewhere there may be no such process.
    Optional<Long> unreadable = Optional.empty();
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (name.chars().allMatch(Character::isDigit)
            && outcome(() -> jdk.socketInodes(Long.parseLong(name))).equals("IOException")) {
          unreadable = Optional.of(Long.parseLong(name));
          break;
        }
      }
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(
        unreadable.isPresent(), "every process's descriptors are readable here");
    long pid = unreadable.get();
    IOException e = assertThrows(IOException.class, () -> descriptors().socketInodes(pid));
    assertTrue(e.getMessage().contains("/proc/" + pid + "/fd"), e.getMessage());
  }
}
