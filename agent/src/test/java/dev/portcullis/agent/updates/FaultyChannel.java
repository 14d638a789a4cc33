package dev.portcullis.agent.updates;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A file channel whose writes, forces and truncations fail on demand, as on a disk that is full or
 * failing. A failing write writes half of its bytes first, so that a log that did not cut them off
 * again would be left with garbage.
 */
final class FaultyChannel extends FileChannel {

  /** How many of the next writes, forces and truncations fail, for every channel opened. */
  static final class Faults {
    int writes;
    int forces;
    int truncates;

    LogFile.Opener opener() {
      return (path, options) -> new FaultyChannel(FileChannel.open(path, options), this);
    }
  }

  private final FileChannel delegate;
  private final Faults faults;

  FaultyChannel(FileChannel delegate, Faults faults) {
    this.delegate = delegate;
    this.faults = faults;
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    if (faults.writes > 0) {
      faults.writes--;
      ByteBuffer half = src.slice();
      half.limit(src.remaining() / 2);
      delegate.write(half, position);
      throw new IOException("injected: no space left on device");
    }
    return delegate.write(src, position);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return write(src, delegate.position());
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    throw new UnsupportedOperationException("the log writes one buffer at a time");
  }

  @Override
  public void force(boolean metaData) throws IOException {
    if (faults.forces > 0) {
      faults.forces--;
      throw new IOException("injected: input/output error");
    }
    delegate.force(metaData);
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    if (faults.truncates > 0) {
      faults.truncates--;
      throw new IOException("injected: cannot truncate");
    }
    delegate.truncate(size);
    return this;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return delegate.read(dst);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    return delegate.read(dsts, offset, length);
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    return delegate.read(dst, position);
  }

  @Override
  public long position() throws IOException {
    return delegate.position();
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    delegate.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    return delegate.size();
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    return delegate.transferTo(position, count, target);
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
    return delegate.transferFrom(src, position, count);
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    return delegate.map(mode, position, size);
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    return delegate.lock(position, size, shared);
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    return delegate.tryLock(position, size, shared);
  }

  @Override
  protected void implCloseChannel() throws IOException {
    delegate.close();
  }
}
