package dev.portcullis.testkit.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A minimal root filesystem for OCI containers in tests: a statically linked busybox at {@code
 * /bin/busybox}, the {@link #APPLETS applets} tests use as symlinks to it, and the empty {@link
 * #MOUNT_POINTS mount points} a runtime mounts over.
 *
 * <p>runc creates missing mount points itself when it can write to the directory, even for a
 * read-only root ({@code root.readonly}); they are created here so that the tree also works when
 * the directory itself is read-only. Nothing else is needed: no {@code /etc}, no libraries.
 *
 * <p>Busybox comes from the host: the first statically linked one among {@code busybox} on {@code
 * PATH}, {@code /usr/bin/busybox} and {@code /bin/busybox}. On Debian, the {@code busybox-static}
 * package provides one; the plain {@code busybox} package's binary is dynamically linked and could
 * not run inside a root filesystem without libraries, so it is passed over.
 */
public final class BusyboxRootfs {

  /**
   * The applets linked into {@code /bin}: a shell, {@code sleep}, an HTTP server ({@code httpd -f
   * -p PORT} listens on the dual-stack wildcard), {@code nc} ({@code nc -l -p PORT} accepts one
   * connection, then stops listening), and a few basics.
   */
  public static final List<String> APPLETS =
      List.of("sh", "sleep", "httpd", "nc", "cat", "ls", "echo", "true", "false");

  /** The empty directories created for a runtime to mount over, relative to the root. */
  public static final List<String> MOUNT_POINTS = List.of("proc", "dev", "sys", "tmp");

  /** Where busybox is looked for after {@code PATH}. */
  private static final List<Path> FALLBACKS =
      List.of(Path.of("/usr/bin/busybox"), Path.of("/bin/busybox"));

  private static final Pattern PATH_SEPARATOR = Pattern.compile(Pattern.quote(":"));

  private static final int PT_INTERP = 3;

  private final Path root;

  private BusyboxRootfs(Path root) {
    this.root = root;
  }

  /**
   * Builds the root filesystem in {@code directory}: copies the host's busybox to {@code
   * bin/busybox} (mode 0755), links each of {@link #APPLETS} to it with a relative symlink, and
   * creates the {@link #MOUNT_POINTS}.
   *
   * @param directory where to build it; created with its parents if absent, and it must not already
   *     hold a {@code bin/busybox} or any of the applets
   * @return the root filesystem
   * @throws IllegalStateException if the host has no statically linked busybox, naming the places
   *     looked at and the Debian package to install
   * @throws IOException if a file or directory cannot be created, or already exists
   */
  public static BusyboxRootfs create(Path directory) throws IOException {
    Path busybox = find().orElseThrow(() -> new IllegalStateException(unavailable()));
    Path root = directory.toAbsolutePath();
    Path bin = Files.createDirectories(root.resolve("bin"));
    Path copy = bin.resolve("busybox");
    Files.copy(busybox, copy);
    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
    for (String applet : APPLETS) {
      Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
    }
    for (String mountPoint : MOUNT_POINTS) {
      Files.createDirectories(root.resolve(mountPoint));
    }
    return new BusyboxRootfs(root);
  }

  /** {@return the root directory, absolute: what an OCI {@code root.path} names} */
  public Path root() {
    return root;
  }

  /** {@return the busybox binary inside the root, {@code bin/busybox}} */
  public Path busybox() {
    return root.resolve("bin").resolve("busybox");
  }

  /** {@return whether {@link #create} can build a root filesystem on this host} */
  public static boolean isAvailable() {
    return find().isPresent();
  }

  /**
   * {@return why {@link #create} cannot build a root filesystem on this host — no statically linked
   * busybox, with the places looked at and the package to install — or empty when it can}
   */
  public static Optional<String> unavailabilityCause() {
    return isAvailable() ? Optional.empty() : Optional.of(unavailable());
  }

  /**
   * {@return the busybox {@link #create} would copy: the first statically linked, executable one on
   * {@code PATH}, then at {@code /usr/bin/busybox} and {@code /bin/busybox}, or empty when there is
   * none}
   */
  public static Optional<Path> find() {
    for (Path candidate : candidates()) {
      if (Files.isRegularFile(candidate)
          && Files.isExecutable(candidate)
          && isStaticElf(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static Set<Path> candidates() {
    Set<Path> candidates = new LinkedHashSet<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : PATH_SEPARATOR.split(path, -1)) {
        if (!dir.isEmpty()) {
          candidates.add(Path.of(dir, "busybox").toAbsolutePath());
        }
      }
    }
    candidates.addAll(FALLBACKS);
    return candidates;
  }

  private static String unavailable() {
    List<String> looked = new ArrayList<>();
    for (Path candidate : candidates()) {
      looked.add(candidate.toString());
    }
    return "No statically linked busybox found (looked at "
        + String.join(", ", looked)
        + "); install Debian's busybox-static package (apt-get install busybox-static)";
  }

  /**
   * Whether the file is an ELF executable without a program interpreter ({@code PT_INTERP}): one
   * that runs without a dynamic loader or libraries, as in an otherwise empty root filesystem.
   */
  private static boolean isStaticElf(Path file) {
    try (SeekableByteChannel channel = Files.newByteChannel(file)) {
      ByteBuffer ident = read(channel, 0, 16);
      if (ident == null
          || ident.get(0) != 0x7f
          || ident.get(1) != 'E'
          || ident.get(2) != 'L'
          || ident.get(3) != 'F') {
        return false;
      }
      boolean wide = ident.get(4) == 2;
      ByteOrder order = ident.get(5) == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
      ByteBuffer header = read(channel, 0, wide ? 64 : 52);
      if (header == null) {
        return false;
      }
      header.order(order);
      long programHeaders = wide ? header.getLong(32) : Integer.toUnsignedLong(header.getInt(28));
      int entrySize = Short.toUnsignedInt(header.getShort(wide ? 54 : 42));
      int entries = Short.toUnsignedInt(header.getShort(wide ? 56 : 44));
      if (entrySize < 4) {
        return false;
      }
      for (int i = 0; i < entries; i++) {
        ByteBuffer entry = read(channel, programHeaders + (long) i * entrySize, 4);
        if (entry == null) {
          return false;
        }
        if (entry.order(order).getInt(0) == PT_INTERP) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The {@code length} bytes at {@code position}, or null when the file ends first. */
  private static ByteBuffer read(SeekableByteChannel channel, long position, int length)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    channel.position(position);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        return null;
      }
    }
    return buffer.flip();
  }
}
