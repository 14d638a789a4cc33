package dev.portcullis.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A cgroup directory and every cgroup below it, in either hierarchy (v1 and v2 share the directory
 * shape and {@code cgroup.procs}).
 *
 * <p>Cgroups appear and vanish while they are read: a directory removed mid-walk is skipped, and a
 * tree whose top is missing is empty. Nothing is cached; every call reads the kernel again.
 *
 * <p>Exited processes: the kernel leaves a process out of {@code cgroup.procs} as soon as it has
 * exited, before its parent reaps it, in both hierarchies (verified on Linux 6.18: a SIGKILLed
 * child whose parent never waits reads {@code Z} in {@code /proc/<pid>/stat}, is absent from {@code
 * cgroup.procs}, and its cgroup can be removed). So a zombie never counts as a survivor here, and
 * nothing needs to reap on a tracker's behalf.
 */
public final class CgroupTree {

  /** The file that lists a cgroup's processes, and accepts a pid to move one in. */
  public static final String PROCS = "cgroup.procs";

  /** What {@link #pid} answers for a blank line. */
  private static final long BLANK = Long.MIN_VALUE;

  private static final Duration POLL = Duration.ofMillis(5);

  /** The control files of cgroup v1 whose names have no dot. */
  private static final Set<String> V1_CONTROL_FILES =
      Set.of("tasks", "notify_on_release", "release_agent");

  private final Path top;

  private CgroupTree(Path top) {
    this.top = top;
  }

  /**
   * {@return the tree whose top cgroup is the directory {@code top} (which need not exist)}
   *
   * @param top the top cgroup's directory, in either hierarchy
   */
  public static CgroupTree at(Path top) {
    return new CgroupTree(top);
  }

  /** {@return the top cgroup's directory} */
  public Path top() {
    return top;
  }

  /** {@return whether the top cgroup exists: a directory, not a link to one} */
  public boolean exists() {
    return Files.isDirectory(top, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * {@return the top cgroup and every cgroup below it, each parent before its children; empty when
   * the top does not exist}
   *
   * @throws IOException if a directory of the tree cannot be read, other than because it was
   *     removed
   */
  public List<Path> directories() throws IOException {
    List<Path> found = new ArrayList<>();
    walk((dir, inode) -> found.add(dir));
    return found;
  }

  /**
   * {@return the inode numbers of the top cgroup and of every cgroup below it — on cgroup v2, their
   * cgroup ids; empty when the top does not exist}
   *
   * @throws IOException if a directory of the tree cannot be read, other than because it was
   *     removed
   */
  public Set<Long> inodes() throws IOException {
    Set<Long> inodes = new TreeSet<>();
    walk((dir, inode) -> inodes.add(inode));
    return inodes;
  }

  private interface Visitor {
    void visit(Path dir, long inode);
  }

  /**
   * Visits every directory of the tree, parents first, with one {@code lstat} each. A cgroup
   * directory's link count is 2 plus its number of subdirectories (kernfs keeps it so), so a leaf —
   * most containers — is never listed, and a listed directory's entries are tested only until that
   * many subdirectories are found, likeliest first ({@link #subdirectories}): testing every entry
   * costs a stat for each of a cgroup's dozens of control files, which made a scan's cost grow with
   * control files rather than containers. Directories that vanish during the walk are left out.
   */
  private void walk(Visitor visitor) throws IOException {
    Deque<Path> pending = new ArrayDeque<>();
    pending.push(top);
    while (!pending.isEmpty()) {
      Path dir = pending.pop();
      Map<String, Object> attributes;
      try {
        attributes =
            Files.readAttributes(dir, "unix:ino,nlink,isDirectory", LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException removed) {
        continue;
      }
      if (!Boolean.TRUE.equals(attributes.get("isDirectory"))) {
        continue;
      }
      visitor.visit(dir, (Long) attributes.get("ino"));
      int children = ((Integer) attributes.get("nlink")) - 2;
      if (children > 0) {
        subdirectories(dir, children).forEach(pending::push);
      }
    }
  }

  /**
   * The subdirectories of {@code dir}, which its link count said were {@code expected}. Entries are
   * tested in two rounds, and the listing stops once {@code expected} are found: first those named
   * like no control file (every cgroup v2 control file, and most of v1's, has a dot in its name;
   * container ids have none), then the rest. A subdirectory made after the link count was read may
   * be missed, as it would be by a walk that ended a moment earlier.
   */
  private static List<Path> subdirectories(Path dir, int expected) throws IOException {
    List<Path> found = new ArrayList<>(expected);
    List<Path> unlikely = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.indexOf('.') >= 0 || V1_CONTROL_FILES.contains(name)) {
          unlikely.add(entry);
        } else if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          found.add(entry);
          if (found.size() == expected) {
            return found;
          }
        }
      }
    } catch (NoSuchFileException removed) {
      // Gone since its attributes were read: its children went with it.
      return found;
    } catch (DirectoryIteratorException e) {
      if (!(e.getCause() instanceof NoSuchFileException)) {
        throw e.getCause();
      }
      return found;
    }
    for (Path entry : unlikely) {
      if (found.size() == expected) {
        break;
      }
      if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
        found.add(entry);
      }
    }
    return found;
  }

  /**
   * {@return every process in the tree, ascending; empty when the top does not exist}
   *
   * @throws IOException if a directory or a {@value #PROCS} file of the tree cannot be read, other
   *     than because it was removed
   */
  public Set<Long> pids() throws IOException {
    Set<Long> pids = new TreeSet<>();
    for (Path dir : directories()) {
      pids.addAll(processes(dir));
    }
    return pids;
  }

  /**
   * Waits until no process is left in the tree, or the deadline passes, reading the tree every few
   * milliseconds.
   *
   * @param deadline when to stop waiting
   * @return the processes still there at the deadline; empty once the tree is empty
   * @throws IOException if the tree cannot be read, or {@link java.io.InterruptedIOException} if
   *     the thread is interrupted while it waits
   */
  public Set<Long> awaitEmpty(Deadline deadline) throws IOException {
    while (true) {
      Set<Long> left = pids();
      if (left.isEmpty() || deadline.expired()) {
        return left;
      }
      deadline.sleep(POLL);
    }
  }

  /**
   * Removes every cgroup of the tree, children before parents, retrying while processes exit: the
   * kernel refuses to remove a cgroup that still holds a process or a child cgroup. A tree that
   * does not exist is already removed.
   *
   * @param bound how long to keep retrying
   * @throws IOException naming the cgroup and the processes still in the tree when it cannot be
   *     removed within {@code bound}; {@link java.io.InterruptedIOException} if the thread is
   *     interrupted while it waits
   */
  public void remove(Duration bound) throws IOException {
    Deadline deadline = Deadline.after(bound);
    while (true) {
      List<Path> dirs = directories();
      Collections.reverse(dirs);
      IOException refused = null;
      for (Path dir : dirs) {
        try {
          Files.delete(dir);
        } catch (NoSuchFileException gone) {
          // Removed by someone else meanwhile: just as good.
        } catch (IOException busy) {
          refused = busy;
        }
      }
      if (!exists()) {
        return;
      }
      if (deadline.expired()) {
        throw new IOException(
            "Cannot remove cgroup "
                + top
                + " within "
                + bound.toMillis()
                + " ms: processes "
                + pids()
                + " remain in it"
                + (refused == null ? "" : " (" + refused.getMessage() + ")"),
            refused);
      }
      deadline.sleep(POLL);
    }
  }

  /**
   * {@return the processes directly in one cgroup (not below it), ascending; empty when the cgroup
   * does not exist or is removed while it is read}
   *
   * @param cgroup the cgroup's directory
   * @throws IOException if its {@value #PROCS} cannot be read while the cgroup still exists
   */
  public static Set<Long> processes(Path cgroup) throws IOException {
    byte[] text;
    try {
      // Bytes, not lines: a scan reads this file of every container, and a reader's buffers
      // would be most of what it allocates.
      text = Files.readAllBytes(cgroup.resolve(PROCS));
    } catch (IOException e) {
      // A cgroup removed under an open file reads as ENODEV rather than ENOENT; either way
      // it is gone, which only the directory itself can tell.
      if (e instanceof NoSuchFileException || !Files.isDirectory(cgroup)) {
        return Set.of();
      }
      throw e;
    }
    Set<Long> pids = new TreeSet<>();
    int start = 0;
    for (int i = 0; i <= text.length; i++) {
      if (i == text.length || text[i] == '\n') {
        long pid = pid(text, start, i);
        if (pid != BLANK) {
          pids.add(pid);
        }
        start = i + 1;
      }
    }
    return pids;
  }

  /** The pid on one line of {@code cgroup.procs}, {@link #BLANK} for a blank line. */
  private static long pid(byte[] text, int from, int to) {
    int first = from;
    int end = to;
    // What String.trim() would leave.
    while (first < end && (text[first] & 0xff) <= ' ') {
      first++;
    }
    while (end > first && (text[end - 1] & 0xff) <= ' ') {
      end--;
    }
    if (first == end) {
      return BLANK;
    }
    long pid = 0;
    for (int i = first; i < end; i++) {
      byte b = text[i];
      if (b < '0' || b > '9' || pid >= Long.MAX_VALUE / 10) {
        // Not a plain pid (the kernel writes none such): whatever a parse of the line gives.
        return Long.parseLong(new String(text, first, end - first, StandardCharsets.US_ASCII));
      }
      pid = pid * 10 + (b - '0');
    }
    return pid;
  }

  /**
   * Moves a process into one cgroup.
   *
   * @param cgroup the cgroup's directory
   * @param pid the process to move; the kernel moves the whole process, every thread of it
   * @throws IOException naming the process, the cgroup and the reason, e.g. when the cgroup does
   *     not exist or the process has exited
   */
  public static void addProcess(Path cgroup, long pid) throws IOException {
    if (!Files.isDirectory(cgroup, LinkOption.NOFOLLOW_LINKS)) {
      throw new NoSuchFileException(
          cgroup.toString(), null, "cannot move process " + pid + " into it: no such cgroup");
    }
    try {
      writeControl(cgroup.resolve(PROCS), Long.toString(pid));
    } catch (IOException e) {
      throw new IOException(
          "Cannot move process " + pid + " into cgroup " + cgroup + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes a value to a cgroup control file in one {@code write(2)}, as the kernel expects. The
   * file is never created: a missing control file means the cgroup (or the kernel feature) is
   * missing, which must surface as {@link NoSuchFileException}.
   *
   * @param file the control file, such as a cgroup's {@value #PROCS}
   * @param value the text to write, in US-ASCII
   * @throws IOException if the write fails: {@link NoSuchFileException} when the file is missing,
   *     or the error with which the kernel refused the value
   */
  public static void writeControl(Path file, String value) throws IOException {
    Files.write(file, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
  }

  /**
   * {@return the whole text of a cgroup control file, read as US-ASCII}
   *
   * @param file the control file
   * @throws IOException if the file cannot be read: {@link NoSuchFileException} when it is missing
   */
  public static String readControl(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.US_ASCII);
  }

  @Override
  public String toString() {
    return "cgroup tree " + top;
  }
}
