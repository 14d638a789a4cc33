package dev.portcullis.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessDescriptorsTest {

  @Test
  void readsSocketInodesAndSkipsOtherDescriptors(@TempDir Path proc) throws IOException {
    Path fd = Files.createDirectories(proc.resolve("42/fd"));
    Files.createSymbolicLink(fd.resolve("0"), Path.of("/dev/null"));
    Files.createSymbolicLink(fd.resolve("3"), Path.of("socket:[12345]"));
    Files.createSymbolicLink(fd.resolve("4"), Path.of("pipe:[777]"));
    Files.createSymbolicLink(fd.resolve("5"), Path.of("socket:[99]"));
    assertEquals(Set.of(12345L, 99L), new ProcessDescriptors(proc).socketInodes(42));
  }

  @Test
  void aVanishedProcessHoldsNothing(@TempDir Path proc) throws IOException {
    assertEquals(Set.of(), new ProcessDescriptors(proc).socketInodes(7));
  }

  @Test
  void readsTheRealProcOfThisProcess() throws IOException {
    if (!Files.isDirectory(Path.of("/proc/self/fd"))) {
      return; // no procfs here; the fake tree above covers the parser
    }
    try (var server = new java.net.ServerSocket(0)) {
      long pid = ProcessHandle.current().pid();
      Set<Long> inodes = new ProcessDescriptors().socketInodes(pid);
      assertTrue(
          !inodes.isEmpty(), "a JVM listening on " + server.getLocalPort() + " holds a socket");
    }
  }
}
