package dev.portcullis.agent.updates;

import dev.portcullis.agent.files.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's bytes on disk, a file that holds only whole records whenever a call has returned. An
 * append is written and forced before it returns; one that fails is cut off again, or if even that
 * fails, before anything else is written. A replacement is written to a temporary file, forced and
 * renamed over the log atomically, after which the directory is forced, so that the rename too
 * survives a power loss; until that has succeeded, every append forces the directory first, since
 * losing the rename would lose the appends after it.
 *
 * <p>Not thread-safe: {@link UpdateLog} serializes its calls.
 */
final class LogFile implements AutoCloseable {

  /** Opens the channels the log writes: the seam where tests make writes fail. */
  @FunctionalInterface
  interface Opener {
    FileChannel open(Path path, OpenOption... options) throws IOException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(LogFile.class);

  private final Path directory;
  private final Path file;
  private final Opener opener;
  private FileChannel channel;
  private long length;
  // The file may hold the bytes of a failed append past length.
  private boolean dirty;
  private boolean directoryUnforced;

  private LogFile(Path file, Opener opener, FileChannel channel, long length) {
    this.directory = directoryOf(file);
    this.file = file;
    this.opener = opener;
    this.channel = channel;
    this.length = length;
  }

  /** Opens {@code file}, creating it if absent; it ends where it ends now. */
  static LogFile open(Path file, Opener opener) throws IOException {
    FileChannel channel =
        opener.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      LogFile log = new LogFile(file, opener, channel, channel.size());
      // A file just created must stay found: the numbers it will hold are never to be given again.
      log.forceDirectory();
      return log;
    } catch (IOException | RuntimeException e) {
      closeAfter(channel, e);
      throw e;
    }
  }

  Path file() {
    return file;
  }

  /** The whole of the file. */
  byte[] readAll() throws IOException {
    long size = channel.size();
    if (size > Integer.MAX_VALUE - 8) {
      throw new IOException("it is too large to read: " + size + " bytes");
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) size);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, buffer.position()) < 0) {
        break;
      }
    }
    if (buffer.hasRemaining()) {
      throw new IOException("it shrank while it was read");
    }
    length = size;
    return buffer.array();
  }

  /** Cuts the file to its first {@code keep} bytes, durably. */
  void cutTo(long keep) throws IOException {
    channel.truncate(keep);
    channel.force(true);
    length = keep;
  }

  /** Writes {@code bytes} at the end and forces them to disk; on failure, the file is unchanged. */
  void append(byte[] bytes) throws IOException {
    try {
      if (directoryUnforced) {
        forceDirectory();
        directoryUnforced = false;
      }
      if (dirty) {
        channel.truncate(length);
        channel.force(true);
        dirty = false;
      }
      dirty = true;
      DurableFiles.writeFully(channel, bytes, length);
      channel.force(false);
      dirty = false;
      length += bytes.length;
    } catch (IOException e) {
      if (dirty) {
        cutBack(e);
      }
      throw e;
    }
  }

  private void cutBack(IOException failure) {
    try {
      channel.truncate(length);
      dirty = false;
    } catch (IOException e) {
      // Still dirty: the next append cuts it back before it writes.
      failure.addSuppressed(e);
    }
  }

  /**
   * Replaces the whole content with {@code bytes}, atomically: on failure, the file is unchanged.
   */
  void replace(byte[] bytes) throws IOException {
    Path temporary = temporary(file);
    FileChannel fresh =
        opener.open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    try {
      DurableFiles.writeFully(fresh, bytes, 0);
      fresh.force(true);
      DurableFiles.moveAtomically(temporary, file);
    } catch (IOException | RuntimeException e) {
      closeAfter(fresh, e);
      deleteAfter(temporary, e);
      throw e;
    }
    // The log is the new file now, whatever happens next.
    FileChannel old = channel;
    channel = fresh;
    length = bytes.length;
    dirty = false;
    try {
      old.close();
    } catch (IOException e) {
      LOG.warn("Cannot close the replaced status update log {}: {}", file, e.toString());
    }
    try {
      forceDirectory();
    } catch (IOException e) {
      directoryUnforced = true;
      LOG.warn("Cannot force the work directory {} after compacting: {}", directory, e.toString());
    }
  }

  /**
   * Replaces {@code file} with a new one holding {@code bytes}, after copying it to {@code aside}:
   * at every instant there is a whole log, the old or the new.
   */
  static void replaceKeepingAside(Path file, Path aside, byte[] bytes) throws IOException {
    Path temporary = temporary(file);
    try (FileChannel fresh =
        FileChannel.open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      DurableFiles.writeFully(fresh, bytes, 0);
      fresh.force(true);
    }
    Files.copy(file, aside);
    try (FileChannel copy = FileChannel.open(aside, StandardOpenOption.WRITE)) {
      copy.force(true);
    }
    DurableFiles.moveAtomically(temporary, file);
    DurableFiles.forceDirectory(directoryOf(file));
  }

  private static Path temporary(Path file) {
    return file.resolveSibling(file.getFileName() + ".tmp");
  }

  private void forceDirectory() throws IOException {
    DurableFiles.forceDirectory(directory);
  }

  private static Path directoryOf(Path file) {
    return file.toAbsolutePath().getParent();
  }

  private static void closeAfter(FileChannel channel, Exception failure) {
    try {
      channel.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  private static void deleteAfter(Path path, Exception failure) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
