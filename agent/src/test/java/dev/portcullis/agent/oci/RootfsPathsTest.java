package dev.portcullis.agent.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paths resolved inside a root filesystem on disk as the container will see them: links followed
 * relative to the root filesystem, never to the host, and {@code ..} stopping at its root.
 */
class RootfsPathsTest {

  @TempDir Path temp;

  @AfterEach
  void removeLinks() throws IOException {
    Links.removeAll(temp);
  }

  private Path rootfs;
  private RootfsPaths paths;

  @BeforeEach
  void makeRootfs() throws IOException {
    rootfs = Files.createDirectory(temp.resolve("rootfs"));
    paths = new RootfsPaths(rootfs);
  }

  /** An executable file at {@code path} of the root filesystem, its directories made. */
  private Path program(String path) throws IOException {
    return file(path, "rwxr-xr-x");
  }

  private Path file(String path, String permissions) throws IOException {
    Path file = rootfs.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    return file;
  }

  /** A symbolic link at {@code path} of the root filesystem to {@code target}, as given. */
  private void link(String path, String target) throws IOException {
    Path link = rootfs.resolve(path);
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, Path.of(target));
  }

  @Test
  void aPlainPathIsTheFileUnderTheRootfs() throws IOException {
    Path busybox = program("bin/busybox");
    assertEquals(Optional.of(busybox), paths.resolve("/bin/busybox"));
    assertEquals(Optional.of(busybox), paths.resolve("//bin/./busybox"));
    assertEquals(Optional.of(rootfs), paths.resolve("/"));
    assertEquals(Optional.empty(), paths.resolve("/bin/ls"));
    assertEquals(Optional.empty(), paths.resolve("/sbin/busybox"));
  }

  @Test
  void anAbsoluteLinkResolvesInsideTheRootfs() throws IOException {
    Path busybox = program("bin/busybox");
    link("bin/sh", "/bin/busybox");
    Path tool = program("opt/tool/run");
    link("usr/bin/tool", "/opt/tool/run");

    assertEquals(Optional.of(busybox), paths.resolve("/bin/sh"));
    assertEquals(Optional.of(busybox), paths.program("sh", "/bin"));
    assertEquals(Optional.of(busybox), paths.program("/bin/sh", "/nowhere"));
    assertEquals(Optional.of(tool), paths.program("tool", "/usr/bin"));
  }

  /** The host has /bin/sh; a root filesystem that lacks it has no /bin/sh, whatever links say. */
  @Test
  void anAbsoluteLinkNeverReachesTheHost() throws IOException {
    assertTrue(Files.isExecutable(Path.of("/bin/sh")), "the host has /bin/sh");
    link("usr/bin/env", "/bin/sh");
    link("bin", "/usr/bin");

    assertEquals(Optional.empty(), paths.resolve("/usr/bin/env"));
    assertEquals(Optional.empty(), paths.program("env", "/usr/bin:/bin"));
    assertEquals(Optional.empty(), paths.program("sh", "/bin"));
  }

  @Test
  void aRelativeLinkResolvesFromTheLinksDirectory() throws IOException {
    Path busybox = program("bin/busybox");
    link("bin/ash", "busybox");
    link("usr/bin/sh", "../../bin/busybox");
    link("usr/local/bin/sh", "../../bin/sh");

    assertEquals(Optional.of(busybox), paths.program("ash", "/bin"));
    assertEquals(Optional.of(busybox), paths.program("sh", "/usr/bin"));
    assertEquals(Optional.of(busybox), paths.program("sh", "/usr/local/bin"));
  }

  @Test
  void aLinkedDirectoryIsFollowed() throws IOException {
    Path python = program("usr/lib/python3/bin/python3");
    link("usr/bin", "../lib/python3/bin");
    link("lib", "usr/lib");

    assertEquals(Optional.of(python), paths.program("python3", "/usr/bin"));
    assertEquals(Optional.of(python), paths.program("/lib/python3/bin/python3", ""));
  }

  /** A link up past the root stops at the root, as the kernel's lookup in a chroot does. */
  @Test
  void dotDotStopsAtTheRootOfTheRootfs() throws IOException {
    assertTrue(Files.exists(Path.of("/etc/passwd")), "the host has /etc/passwd");
    link("bin/passwd", "../../../../etc/passwd");
    link("escape", "../../../../../../../..");

    assertEquals(Optional.empty(), paths.resolve("/bin/passwd"), "no /etc/passwd in the rootfs");
    assertEquals(Optional.empty(), paths.resolve("/../../../../etc/passwd"));
    assertEquals(Optional.empty(), paths.resolve("/escape/etc/passwd"));
    assertEquals(Optional.of(rootfs), paths.resolve("/escape"));

    Path passwd = file("etc/passwd", "rw-r--r--");
    assertEquals(Optional.of(passwd), paths.resolve("/bin/passwd"));
    assertEquals(Optional.of(passwd), paths.resolve("/../../../../etc/passwd"));
    assertEquals(Optional.of(passwd), paths.resolve("/escape/etc/passwd"));
  }

  /** What lies beside the root filesystem on the host is as far out of reach as the host's root. */
  @Test
  void nothingBesideTheRootfsIsReached() throws IOException {
    Path outside = temp.resolve("outside");
    Files.writeString(outside, "#!/bin/sh\n");
    Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwxr-xr-x"));
    link("bin/outside", "../../outside");
    link("bin/up", "..");

    assertEquals(Optional.empty(), paths.program("outside", "/bin"));
    assertEquals(Optional.empty(), paths.program("/../outside", ""));
    assertEquals(Optional.empty(), paths.resolve("/bin/up/../outside"));
    assertEquals(Optional.of(rootfs), paths.resolve("/bin/up/.."));
  }

  @Test
  void aLinkLoopResolvesToNothing() throws IOException {
    link("bin/self", "self");
    link("bin/ping", "/bin/pong");
    link("bin/pong", "ping");
    link("loop", "/loop/x");

    assertEquals(Optional.empty(), paths.resolve("/bin/self"));
    assertEquals(Optional.empty(), paths.program("ping", "/bin"));
    assertEquals(Optional.empty(), paths.resolve("/loop"));
  }

  /** As the kernel's {@code MAXSYMLINKS}: forty links are followed, the forty-first is not. */
  @Test
  void fortyLinksAreFollowedAndNoMore() throws IOException {
    Path end = program("bin/end");
    for (int i = 0; i < 41; i++) {
      link("chain/l" + i, i == 40 ? "/bin/end" : "l" + (i + 1));
    }
    assertEquals(Optional.of(end), paths.resolve("/chain/l1"), "40 links");
    assertEquals(Optional.empty(), paths.resolve("/chain/l0"), "41 links");
  }

  @Test
  void thePathIsSearchedInOrder() throws IOException {
    Path local = program("usr/local/bin/tool");
    Path usr = program("usr/bin/tool");
    program("bin/tool");

    assertEquals(Optional.of(local), paths.program("tool", "/usr/local/bin:/usr/bin:/bin"));
    assertEquals(Optional.of(usr), paths.program("tool", "/usr/bin:/usr/local/bin"));
    assertEquals(Optional.of(usr), paths.program("tool", "/nowhere::/usr/bin"));
    assertEquals(Optional.empty(), paths.program("tool", "/sbin:/opt"));
    assertEquals(Optional.empty(), paths.program("tool", ""));
  }

  @Test
  void theDefaultPathFindsProgramsInEachUsualDirectory() throws IOException {
    for (String dir : RootfsPaths.DEFAULT_PATH.split(":")) {
      String name = "in" + dir.replace('/', '-');
      Path program = program(dir.substring(1) + "/" + name);
      assertEquals(Optional.of(program), paths.program(name, RootfsPaths.DEFAULT_PATH), dir);
    }
  }

  /** A relative entry of the search path is relative to nothing the check can know: skipped. */
  @Test
  void aRelativePathEntryIsSkipped() throws IOException {
    program("bin/tool");
    assertEquals(Optional.empty(), paths.program("tool", "bin:./bin"));
  }

  @Test
  void aFileThatIsNotExecutableIsSkipped() throws IOException {
    file("usr/local/bin/tool", "rw-r--r--");
    Path usr = program("usr/bin/tool");

    assertEquals(Optional.of(usr), paths.program("tool", "/usr/local/bin:/usr/bin"));
    assertEquals(Optional.empty(), paths.program("/usr/local/bin/tool", "/usr/bin"));
    assertEquals(Optional.empty(), paths.program("tool", "/usr/local/bin"));
  }

  @Test
  void aDirectoryIsSkipped() throws IOException {
    Files.createDirectories(rootfs.resolve("usr/local/bin/tool"));
    Files.setPosixFilePermissions(
        rootfs.resolve("usr/local/bin/tool"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Path usr = program("usr/bin/tool");
    link("bin/tool", "/usr/local/bin/tool");

    assertEquals(Optional.of(usr), paths.program("tool", "/usr/local/bin:/bin:/usr/bin"));
    assertEquals(Optional.empty(), paths.program("/usr/local/bin/tool", ""));
    assertEquals(Optional.empty(), paths.program("/bin/tool", ""));
    assertEquals(Optional.empty(), paths.program("/", ""));
  }

  @Test
  void aLinkToAProgramIsThatProgram() throws IOException {
    Path busybox = program("bin/busybox");
    link("bin/sh", "busybox");
    link("bin/dangling", "/bin/gone");
    file("bin/plain", "rw-r--r--");
    link("bin/cat", "plain");

    assertEquals(Optional.of(busybox), paths.program("/bin/sh", ""));
    assertEquals(Optional.empty(), paths.program("/bin/dangling", ""));
    assertEquals(Optional.empty(), paths.program("dangling", "/bin"));
    assertEquals(Optional.empty(), paths.program("cat", "/bin"), "a link to a plain file");
  }

  @Test
  void aFileInTheMiddleOfAPathIsNoDirectory() throws IOException {
    program("bin/busybox");
    assertEquals(Optional.empty(), paths.resolve("/bin/busybox/sh"));
    assertEquals(Optional.empty(), paths.program("/bin/busybox/sh", ""));
    assertEquals(Optional.empty(), paths.program("sh", "/bin/busybox"));
  }
}
