package dev.portcullis.agent.daemon;

import dev.portcullis.agent.cli.StartupException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock that lets one agent at a time use a work directory: an exclusive lock on its {@code
 * agent.lock}, held until closed, and released by the kernel if the agent dies.
 */
final class WorkDirLock implements AutoCloseable {

  private static final String LOCK_FILE = "agent.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private WorkDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock, without waiting.
   *
   * @throws StartupException if another agent holds it, or it cannot be taken
   */
  static WorkDirLock acquire(Path directory) {
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        throw new StartupException(
            "another agent is running with --work_dir=" + directory + "; stop it first");
      }
      return new WorkDirLock(channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StartupException(
          "cannot lock the work directory " + directory + ": " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // The failure that led here is the one to report.
    }
  }

  /** Releases the lock. */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
