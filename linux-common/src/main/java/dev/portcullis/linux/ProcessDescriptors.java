package dev.portcullis.linux;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which sockets a process holds, read from the links in {@code /proc/<pid>/fd}: each socket
 * descriptor links to {@code socket:[<inode>]}.
 *
 * <p>Processes come and go while they are read: a process that has exited holds nothing, and a
 * descriptor closed between listing and reading is left out while the others are kept.
 */
public final class ProcessDescriptors {

  private static final String PREFIX = "socket:[";

  private final Path proc;

  /** Reads the host's {@code /proc}. */
  public ProcessDescriptors() {
    this(Paths.get("/proc"));
  }

  /**
   * Reads a {@code /proc}-shaped tree rooted at {@code proc}, for tests.
   *
   * @param proc the directory that stands for {@code /proc}
   */
  public ProcessDescriptors(Path proc) {
    this.proc = proc;
  }

  /**
   * {@return the inodes of the sockets the process holds, ascending; empty when it does not exist
   * (any more)} A process that exits while it is read yields the sockets read until then.
   *
   * @param pid the process whose descriptors are read
   * @throws IOException if the process exists but its descriptors cannot be listed, for example for
   *     lack of permission
   */
  public Set<Long> socketInodes(long pid) throws IOException {
    Set<Long> inodes = new TreeSet<>();
    Path fds = proc.resolve(Long.toString(pid)).resolve("fd");
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(fds)) {
      for (Path entry : entries) {
        String target;
        try {
          target = Files.readSymbolicLink(entry).toString();
        } catch (NoSuchFileException closed) {
          continue;
        }
        if (target.startsWith(PREFIX) && target.endsWith("]")) {
          inodes.add(Long.parseLong(target.substring(PREFIX.length(), target.length() - 1)));
        }
      }
    } catch (NoSuchFileException exited) {
      return Set.of();
    } catch (DirectoryIteratorException e) {
      if (e.getCause() instanceof NoSuchFileException) {
        return inodes.isEmpty() ? Set.of() : inodes; // the process exited while being listed
      }
      throw e.getCause();
    }
    return inodes;
  }
}
