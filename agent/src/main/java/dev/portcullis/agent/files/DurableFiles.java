package dev.portcullis.agent.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The steps that make a write in the work directory survive a crash or a power loss, shared by the
 * checkpoint and the status update log: writing every byte, renaming atomically, and forcing the
 * directory, without which a rename or a newly created file may be lost.
 */
public final class DurableFiles {

  private DurableFiles() {}

  /** Writes all of {@code bytes} at {@code position}; a short write is retried until done. */
  public static void writeFully(FileChannel channel, byte[] bytes, long position)
      throws IOException {
    writeFully(channel, ByteBuffer.wrap(bytes), position);
  }

  /**
   * Writes what remains of {@code buffer} at {@code position}, however many writes that takes.
   *
   * @param channel where to write
   * @param buffer what to write, from its position to its limit, which are not kept
   * @param position where in the file the first byte goes
   * @throws IOException if a write fails
   */
  public static void writeFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long start = position - buffer.position();
    while (buffer.hasRemaining()) {
      channel.write(buffer, start + buffer.position());
    }
  }

  /**
   * Renames {@code from} to {@code to} atomically, replacing {@code to}.
   *
   * @throws IOException naming the directory if its file system cannot rename atomically
   */
  public static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(
          "the work directory " + to.toAbsolutePath().getParent() + " cannot rename atomically", e);
    }
  }

  /** Forces a directory's entries to disk: the renames and creations in it. */
  public static void forceDirectory(Path directory) throws IOException {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }
}
