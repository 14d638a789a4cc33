package dev.portcullis.bpf.sys;

import dev.portcullis.bpf.abi.BpfAttr;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Native memory for the {@code bpf(2)} calls of one thread, made once and reused: the attr, a key,
 * a value, an info struct and a list of ids. A call touches only its own thread's memory, so
 * nothing is shared, and the thread keeps the buffers reachable for as long as the kernel may read
 * them. Reuse matters because a fresh direct buffer per call cost several times the system call
 * itself.
 *
 * <p>Every call encodes its own bytes before use; the kernel writes what it returns. Calls that
 * need more room than these (a larger value, a longer id list) allocate for themselves.
 */
final class CallMemory {

  /** Room for the largest value the guard reads or writes: a port bitmap. */
  static final int VALUE_SIZE = 8192;

  /** Room for the ids the kernel can list for one cgroup and attach type. */
  static final int IDS = 64;

  /** Room for the info structs the guard asks for. */
  static final int INFO_SIZE = 128;

  /** A direct buffer and the address of its first byte. */
  record Region(ByteBuffer buffer, long address) {

    static Region allocate(NativeBinding binding, int size) {
      ByteBuffer buffer = ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
      return new Region(buffer, binding.address(buffer));
    }
  }

  private static final ThreadLocal<CallMemory> PER_THREAD = new ThreadLocal<>();

  final Region attr;
  final Region key;
  final Region value;
  final Region info;
  final Region ids;

  private CallMemory(NativeBinding binding) {
    attr = Region.allocate(binding, BpfAttr.SIZE);
    key = Region.allocate(binding, Long.BYTES);
    value = Region.allocate(binding, VALUE_SIZE);
    info = Region.allocate(binding, INFO_SIZE);
    ids = Region.allocate(binding, 4 * IDS);
  }

  /** This thread's memory, made on its first call. */
  static CallMemory current(NativeBinding binding) {
    CallMemory memory = PER_THREAD.get();
    if (memory == null) {
      memory = new CallMemory(binding);
      PER_THREAD.set(memory);
    }
    return memory;
  }
}
