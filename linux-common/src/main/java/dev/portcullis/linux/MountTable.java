package dev.portcullis.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The mounts of this process's mount namespace, read from {@code /proc/self/mountinfo}.
 *
 * <p>Cgroup hierarchies are found here rather than at fixed paths: v1 controllers and the v2
 * hierarchy may be mounted anywhere (a hybrid host keeps v2 at {@code /sys/fs/cgroup/unified}, a
 * pure v2 host at {@code /sys/fs/cgroup}).
 */
public final class MountTable {

  /** The mount table of the running process. */
  public static final Path SELF = Paths.get("/proc/self/mountinfo");

  private final List<Mount> mounts;

  private MountTable(List<Mount> mounts) {
    this.mounts = List.copyOf(mounts);
  }

  /**
   * One line of mountinfo.
   *
   * @param mountPoint where the file system is mounted, unescaped
   * @param root the path inside the file system that is mounted there
   * @param fsType the file system type, e.g. {@code cgroup2}
   * @param superOptions the per-superblock options, e.g. {@code rw,freezer} for a v1 hierarchy
   */
  public record Mount(Path mountPoint, String root, String fsType, List<String> superOptions) {}

  /**
   * {@return the mount table of the running process, read from {@link #SELF}}
   *
   * @throws IOException if the file cannot be read, or naming the line when one is malformed
   */
  public static MountTable read() throws IOException {
    return read(SELF);
  }

  /**
   * {@return the mount table a mountinfo file holds}
   *
   * @param mountinfo a file in the format of {@code /proc/<pid>/mountinfo}
   * @throws IOException if the file cannot be read, or naming the line when one is malformed
   */
  public static MountTable read(Path mountinfo) throws IOException {
    return parse(Files.readAllLines(mountinfo));
  }

  /**
   * Parses mountinfo lines: {@code id parent major:minor root mount-point options [optional...] -
   * type source super-options}.
   *
   * @param lines the lines of a mountinfo file; blank ones are skipped
   * @return the table, in line order
   * @throws IOException naming the line when one is malformed
   */
  public static MountTable parse(List<String> lines) throws IOException {
    List<Mount> mounts = new ArrayList<>();
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.trim().split(" ");
      int separator = Arrays.asList(fields).indexOf("-");
      if (separator < 6 || fields.length < separator + 4) {
        throw new IOException("Malformed mountinfo line: " + line);
      }
      mounts.add(
          new Mount(
              Paths.get(unescape(fields[4])),
              unescape(fields[3]),
              fields[separator + 1],
              List.of(fields[separator + 3].split(","))));
    }
    return new MountTable(mounts);
  }

  /** Mountinfo escapes space, tab, newline and backslash as three octal digits. */
  static String unescape(String field) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\'
          && i + 3 < field.length()
          && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        text.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        text.append(c);
      }
    }
    return text.toString();
  }

  /** {@return every mount, in table order} */
  public List<Mount> mounts() {
    return mounts;
  }

  /**
   * {@return every cgroup hierarchy, v1 and v2, mounted from its root, in table order} A hierarchy
   * mounted from one of its cgroups (as inside a container) names other paths, and is left out.
   */
  public List<Mount> cgroupHierarchies() {
    return mounts.stream()
        .filter(m -> m.fsType().equals("cgroup") || m.fsType().equals("cgroup2"))
        .filter(m -> m.root().equals("/"))
        .toList();
  }

  /** {@return the first mount of the unified (v2) cgroup hierarchy, if one is mounted} */
  public Optional<Mount> cgroup2() {
    return mounts.stream().filter(m -> m.fsType().equals("cgroup2")).findFirst();
  }

  /**
   * {@return the first mount of the v1 hierarchy that carries {@code controller}, e.g. {@code
   * freezer}}
   *
   * @param controller the v1 controller's name, looked for among each mount's super options
   */
  public Optional<Mount> cgroup1(String controller) {
    return mounts.stream()
        .filter(m -> m.fsType().equals("cgroup") && m.superOptions().contains(controller))
        .findFirst();
  }
}
