package dev.portcullis.bpf.sys;

import dev.portcullis.bpf.abi.AttachType;
import dev.portcullis.bpf.abi.BpfAttr;
import dev.portcullis.bpf.abi.BpfCommand;
import dev.portcullis.bpf.abi.Errno;
import dev.portcullis.bpf.abi.MapInfo;
import dev.portcullis.bpf.abi.MapType;
import dev.portcullis.bpf.abi.ProgramInfo;
import dev.portcullis.bpf.abi.ProgramType;
import dev.portcullis.bpf.asm.Program;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The {@code bpf(2)} commands the guard issues, one method each, over the jnr-ffi binding.
 *
 * <p>The memory whose addresses go into a {@code bpf_attr} is the calling thread's {@link
 * CallMemory}, or direct buffers made for one call and kept reachable until it returns; errno is
 * read on the calling thread straight after the call. A refused command is a {@link BpfException}.
 * Thread-safe: calls on different threads share nothing.
 */
public final class Bpf {

  /** How often a load the verifier gave up with {@code EAGAIN} is tried again. */
  private static final int LOAD_ATTEMPTS = 5;

  /** Room for the verifier's explanation of a refused program. */
  private static final int LOG_SIZE = 256 * 1024;

  /** Room for the map ids of one program; guard programs use one. */
  private static final int MAP_IDS = 8;

  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 02000000;

  private final NativeBinding binding;

  private Bpf(NativeBinding binding) {
    this.binding = binding;
  }

  /**
   * The commands, bound on first use.
   *
   * @throws IOException naming the cause when jnr-ffi cannot bind libc here, or the architecture is
   *     not supported
   */
  public static Bpf get() throws IOException {
    return new Bpf(NativeBinding.get());
  }

  private CallMemory memory() {
    return CallMemory.current(binding);
  }

  /**
   * Issues one command whose attr is in {@code memory}. {@code referenced} are further buffers
   * whose addresses the attr carries: they stay reachable until the kernel has returned.
   */
  private long call(BpfCommand command, CallMemory memory, String detail, Object... referenced)
      throws BpfException {
    long result = invoke(command, memory, referenced);
    if (result < 0) {
      throw new BpfException(command, (int) -result, detail);
    }
    return result;
  }

  /**
   * As {@link #call}, but a refusal is returned as {@code -errno} rather than thrown: for the
   * answers that are expected (no such id, no next id), which would otherwise cost an exception and
   * its stack trace each, ten times the system call.
   */
  private long invoke(BpfCommand command, CallMemory memory, Object... referenced) {
    try {
      long result =
          binding
              .libc()
              .syscall(
                  binding.arch().bpfSyscall(),
                  command.number(),
                  memory.attr.address(),
                  BpfAttr.SIZE);
      return result < 0 ? -binding.errno() : result;
    } finally {
      Reference.reachabilityFence(memory);
      Reference.reachabilityFence(referenced);
    }
  }

  private CallMemory.Region region(int size) {
    return CallMemory.Region.allocate(binding, Math.max(size, 1));
  }

  private Fd fd(long value, String what) {
    return new Fd(binding, (int) value, what);
  }

  /**
   * Opens a cgroup directory as an attach target ({@code O_RDONLY|O_DIRECTORY|O_CLOEXEC}).
   *
   * @throws NoSuchFileException if it does not exist
   */
  public Fd openDirectory(Path dir) throws IOException {
    int fd =
        binding
            .libc()
            .open(dir.toString(), O_RDONLY | binding.arch().directoryFlag() | O_CLOEXEC, 0);
    if (fd < 0) {
      int errno = binding.errno();
      if (errno == Errno.ENOENT) {
        throw new NoSuchFileException(dir.toString());
      }
      throw new IOException("open(" + dir + ", O_DIRECTORY) failed: " + Errno.describe(errno));
    }
    return fd(fd, "directory " + dir);
  }

  /** Creates a map; its descriptor. */
  public Fd createMap(MapType type, int keySize, int valueSize, int entries, String name)
      throws BpfException {
    CallMemory memory = memory();
    BpfAttr.mapCreate(memory.attr.buffer(), type, keySize, valueSize, entries, 0, name);
    return fd(call(BpfCommand.MAP_CREATE, memory, "creating map " + name), "map " + name);
  }

  /** Replaces the value at {@code key} of an array or hash map. */
  public void update(Fd map, int key, byte[] value) throws BpfException {
    CallMemory memory = memory();
    CallMemory.Region room =
        value.length <= CallMemory.VALUE_SIZE ? memory.value : region(value.length);
    room.buffer().clear().put(value).clear();
    element(memory, map, key, room);
    call(BpfCommand.MAP_UPDATE_ELEM, memory, "writing key " + key + " of " + map, room);
  }

  /** A copy of the value at {@code key}, {@code valueSize} bytes. */
  public byte[] lookup(Fd map, int key, int valueSize) throws BpfException {
    CallMemory memory = memory();
    CallMemory.Region room = valueSize <= CallMemory.VALUE_SIZE ? memory.value : region(valueSize);
    element(memory, map, key, room);
    call(BpfCommand.MAP_LOOKUP_ELEM, memory, "reading key " + key + " of " + map, room);
    byte[] value = new byte[valueSize];
    room.buffer().clear().get(value);
    return value;
  }

  private static void element(CallMemory memory, Fd map, int key, CallMemory.Region value) {
    memory.key.buffer().putInt(0, key);
    BpfAttr.element(memory.attr.buffer(), map.value(), memory.key.address(), value.address(), 0);
  }

  /**
   * Verifies and loads a program; its descriptor. The load is made without a verifier log, which
   * costs nothing; only when the kernel refuses is the program loaded again with a log, whose text
   * then ends the exception's message.
   */
  public Fd loadProgram(
      ProgramType type, AttachType expected, Program program, String name, String license)
      throws BpfException {
    return loadProgram(type, expected, 0, program, name, license);
  }

  /**
   * As {@link #loadProgram(ProgramType, AttachType, Program, String, String)}, for a program that
   * attaches to the kernel object whose BTF id is {@code attachBtfId}: a {@link
   * ProgramType#TRACING} program such as an iterator.
   */
  public Fd loadProgram(
      ProgramType type,
      AttachType expected,
      int attachBtfId,
      Program program,
      String name,
      String license)
      throws BpfException {
    CallMemory.Region instructions = bytes(program.bytes());
    CallMemory.Region licence = cString(license);
    BpfException refused = null;
    for (int attempt = 0; attempt < LOAD_ATTEMPTS; attempt++) {
      CallMemory memory = memory();
      programLoad(memory, type, expected, attachBtfId, program, name, instructions, licence, null);
      try {
        return fd(
            call(BpfCommand.PROG_LOAD, memory, "loading program " + name, instructions, licence),
            "program " + name);
      } catch (BpfException e) {
        refused = e;
        if (e.errno() != Errno.EAGAIN) {
          break;
        }
      }
    }
    String log = verifierLog(type, expected, attachBtfId, program, name, instructions, licence);
    throw new BpfException(
        BpfCommand.PROG_LOAD,
        refused.errno(),
        "loading program " + name + "; verifier log:\n" + log);
  }

  private static void programLoad(
      CallMemory memory,
      ProgramType type,
      AttachType expected,
      int attachBtfId,
      Program program,
      String name,
      CallMemory.Region instructions,
      CallMemory.Region licence,
      CallMemory.Region log) {
    BpfAttr.programLoad(
        memory.attr.buffer(),
        type,
        program.length(),
        instructions.address(),
        licence.address(),
        log == null ? 0 : BpfAttr.LOG_LEVEL_VERIFIER,
        log == null ? 0 : log.buffer().capacity(),
        log == null ? 0 : log.address(),
        name,
        expected,
        attachBtfId);
  }

  /** Loads the program again with a log, only to say why the kernel refused it. */
  private String verifierLog(
      ProgramType type,
      AttachType expected,
      int attachBtfId,
      Program program,
      String name,
      CallMemory.Region instructions,
      CallMemory.Region licence) {
    CallMemory.Region log = region(LOG_SIZE);
    CallMemory memory = memory();
    programLoad(memory, type, expected, attachBtfId, program, name, instructions, licence, log);
    try {
      fd(call(BpfCommand.PROG_LOAD, memory, "", instructions, licence, log), "program " + name)
          .close();
      return "(none: the load with a verifier log succeeded)";
    } catch (BpfException again) {
      String text = text(log.buffer());
      return text.isEmpty()
          ? "(empty; the load with a log failed with " + Errno.describe(again.errno()) + ")"
          : text;
    }
  }

  private CallMemory.Region bytes(byte[] bytes) {
    CallMemory.Region region = region(bytes.length);
    region.buffer().put(bytes).clear();
    return region;
  }

  private CallMemory.Region cString(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    CallMemory.Region region = region(bytes.length + 1);
    region.buffer().put(bytes).put((byte) 0).clear();
    return region;
  }

  private static String text(ByteBuffer log) {
    int end = 0;
    while (end < log.capacity() && log.get(end) != 0) {
      end++;
    }
    byte[] bytes = new byte[end];
    log.get(0, bytes);
    return new String(bytes, StandardCharsets.UTF_8).strip();
  }

  /**
   * Links an iterator program ({@link AttachType#TRACE_ITER}) so that it can be read: the link
   * lives as long as its descriptor.
   */
  public Fd iteratorLink(Fd program) throws BpfException {
    CallMemory memory = memory();
    BpfAttr.linkCreate(memory.attr.buffer(), program.value(), 0, AttachType.TRACE_ITER);
    return fd(call(BpfCommand.LINK_CREATE, memory, "linking " + program), "link of " + program);
  }

  /**
   * Opens one read of an iterator link: reading the file to its end runs the program over every
   * object, and a new read needs a new file.
   */
  public Fd openIterator(Fd link) throws BpfException {
    CallMemory memory = memory();
    BpfAttr.iterCreate(memory.attr.buffer(), link.value());
    return fd(call(BpfCommand.ITER_CREATE, memory, "opening " + link), "iterator of " + link);
  }

  /**
   * Reads from a descriptor into {@code buffer} from its position to its limit, advancing the
   * position; {@code address} is the buffer's native address. Retried when a signal interrupts it.
   *
   * @return how many bytes were read; 0 at the end
   * @throws IOException with the errno when the read fails
   */
  public int read(Fd fd, ByteBuffer buffer, long address) throws IOException {
    if (!buffer.isDirect()) {
      throw new IllegalArgumentException("reads go to direct buffers only");
    }
    while (true) {
      long n;
      try {
        n = binding.libc().read(fd.value(), address + buffer.position(), buffer.remaining());
      } finally {
        Reference.reachabilityFence(buffer);
      }
      if (n >= 0) {
        buffer.position(buffer.position() + (int) n);
        return (int) n;
      }
      int errno = binding.errno();
      if (errno != Errno.EINTR) {
        throw new IOException("read of " + fd + " failed: " + Errno.describe(errno));
      }
    }
  }

  /** The native address of a direct buffer's first byte. */
  public long address(ByteBuffer direct) {
    return binding.address(direct);
  }

  /** Attaches a program to a cgroup. */
  public void attach(Fd cgroup, Fd program, AttachType type, int flags) throws BpfException {
    CallMemory memory = memory();
    BpfAttr.attach(memory.attr.buffer(), cgroup.value(), program.value(), type, flags, 0);
    call(BpfCommand.PROG_ATTACH, memory, "attaching " + program + " at " + type.kernelName());
  }

  /** Detaches one program from a cgroup. */
  public void detach(Fd cgroup, Fd program, AttachType type) throws BpfException {
    CallMemory memory = memory();
    BpfAttr.detach(memory.attr.buffer(), cgroup.value(), program.value(), type);
    call(BpfCommand.PROG_DETACH, memory, "detaching " + program + " at " + type.kernelName());
  }

  /**
   * What is attached to the cgroup itself (not inherited from its ancestors) at one attach type.
   */
  public Attached query(Fd cgroup, AttachType type) throws BpfException {
    CallMemory memory = memory();
    CallMemory.Region ids = memory.ids;
    int capacity = CallMemory.IDS;
    while (true) {
      BpfAttr.query(memory.attr.buffer(), cgroup.value(), type, ids.address(), capacity);
      try {
        call(BpfCommand.PROG_QUERY, memory, "of " + cgroup + " at " + type.kernelName(), ids);
      } catch (BpfException e) {
        // More programs than the room given: the kernel said how many; ask again with room.
        int needed = BpfAttr.queryCount(memory.attr.buffer());
        if (e.errno() == Errno.ENOSPC && needed > capacity) {
          capacity = needed;
          ids = region(4 * capacity);
          continue;
        }
        throw e;
      }
      int count = Math.min(BpfAttr.queryCount(memory.attr.buffer()), capacity);
      List<Integer> found = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        found.add(ids.buffer().getInt(4 * i));
      }
      return new Attached(type, List.copyOf(found), BpfAttr.queryAttachFlags(memory.attr.buffer()));
    }
  }

  /**
   * The programs attached to a cgroup at one attach type.
   *
   * @param type the attach type asked about
   * @param programIds their ids, in the order they run
   * @param flags the attach flags of the cgroup at that type ({@link BpfAttr#ALLOW_MULTI})
   */
  public record Attached(AttachType type, List<Integer> programIds, int flags) {}

  /** A descriptor for the program with {@code id}; empty when there is none (any more). */
  public Optional<Fd> programById(int id) throws BpfException {
    return byId(BpfCommand.PROG_GET_FD_BY_ID, id, "program id " + id);
  }

  /** A descriptor for the map with {@code id}; empty when there is none (any more). */
  public Optional<Fd> mapById(int id) throws BpfException {
    return byId(BpfCommand.MAP_GET_FD_BY_ID, id, "map id " + id);
  }

  private Optional<Fd> byId(BpfCommand command, int id, String what) throws BpfException {
    CallMemory memory = memory();
    BpfAttr.byId(memory.attr.buffer(), id);
    long result = invoke(command, memory);
    if (result == -Errno.ENOENT) {
      return Optional.empty();
    }
    if (result < 0) {
      throw new BpfException(command, (int) -result, what);
    }
    return Optional.of(fd(result, what));
  }

  /** The program's type, id, name and map ids. */
  public ProgramInfo programInfo(Fd program) throws BpfException {
    CallMemory memory = memory();
    CallMemory.Region mapIds = memory.ids;
    int capacity = MAP_IDS;
    while (true) {
      ByteBuffer info = ProgramInfo.request(memory.info.buffer(), capacity, mapIds.address());
      BpfAttr.infoByFd(
          memory.attr.buffer(), program.value(), ProgramInfo.LENGTH, memory.info.address());
      call(BpfCommand.OBJ_GET_INFO_BY_FD, memory, "of " + program, mapIds);
      int count = ProgramInfo.mapCount(info);
      if (count <= capacity) {
        return ProgramInfo.decode(info, mapIds.buffer(), capacity);
      }
      capacity = count;
      mapIds = region(4 * capacity);
    }
  }

  /** The map's type, id, shape and name. */
  public MapInfo mapInfo(Fd map) throws BpfException {
    CallMemory memory = memory();
    MapInfo.request(memory.info.buffer());
    BpfAttr.infoByFd(memory.attr.buffer(), map.value(), MapInfo.LENGTH, memory.info.address());
    call(BpfCommand.OBJ_GET_INFO_BY_FD, memory, "of " + map);
    return MapInfo.decode(memory.info.buffer());
  }

  /** The id of the loaded program after {@code start}; empty after the last. */
  public OptionalInt nextProgramId(int start) throws BpfException {
    return nextId(BpfCommand.PROG_GET_NEXT_ID, start);
  }

  /** The id of the map after {@code start}; empty after the last. */
  public OptionalInt nextMapId(int start) throws BpfException {
    return nextId(BpfCommand.MAP_GET_NEXT_ID, start);
  }

  private OptionalInt nextId(BpfCommand command, int start) throws BpfException {
    CallMemory memory = memory();
    BpfAttr.nextId(memory.attr.buffer(), start);
    long result = invoke(command, memory);
    if (result == -Errno.ENOENT) {
      return OptionalInt.empty();
    }
    if (result < 0) {
      throw new BpfException(command, (int) -result, "after id " + start);
    }
    return OptionalInt.of(BpfAttr.nextIdResult(memory.attr.buffer()));
  }
}
