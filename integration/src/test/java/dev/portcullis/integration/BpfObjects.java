package dev.portcullis.integration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Looks at the kernel's BPF objects from outside the agent, through {@code bpf(2)} from Python's
 * ctypes, so that tests check what is really attached rather than what the agent says.
 */
final class BpfObjects {

  /**
   * {@code query CGROUP_DIR}: for each attach type the guard uses, the program ids attached to that
   * cgroup itself, and every map id those programs use, as {@code prog ID TYPE} and {@code map ID}
   * lines. {@code detach CGROUP_DIR PROG_ID TYPE}: detaches one program, as a tampering
   * administrator would. {@code alive prog|map ID...}: the ids that still exist, one per line.
   */
  private static final String SCRIPT =
      String.join(
          "\n",
          "import ctypes, os, sys",
          "libc = ctypes.CDLL(None, use_errno=True)",
          "libc.syscall.restype = ctypes.c_long",
          "def bpf(cmd, attr):",
          "    r = libc.syscall(321, ctypes.c_int(cmd), ctypes.byref(attr),"
              + " ctypes.c_uint(ctypes.sizeof(attr)))",
          "    return r, ctypes.get_errno()",
          "def attr():",
          "    return (ctypes.c_ubyte * 144)()",
          "def put(a, off, size, value):",
          "    ctypes.memmove(ctypes.addressof(a) + off, value.to_bytes(size, 'little'), size)",
          "def get(a, off, size):",
          "    return int.from_bytes(bytes(a[off:off + size]), 'little')",
          "def by_id(cmd, i):",
          "    a = attr(); put(a, 0, 4, i); return bpf(cmd, a)",
          "if sys.argv[1] == 'query':",
          "    fd = os.open(sys.argv[2], os.O_RDONLY | os.O_DIRECTORY)",
          "    maps = set()",
          "    for kind in (8, 9, 12, 13, 3):",
          "        ids = (ctypes.c_uint * 64)()",
          "        a = attr(); put(a, 0, 4, fd); put(a, 4, 4, kind)",
          "        put(a, 16, 8, ctypes.addressof(ids)); put(a, 24, 4, 64)",
          "        r, e = bpf(16, a)",
          "        if r < 0:",
          "            sys.exit('BPF_PROG_QUERY failed: ' + os.strerror(e))",
          "        for n in range(get(a, 24, 4)):",
          "            print('prog', ids[n], kind)",
          "            pfd, e = by_id(13, ids[n])",
          "            if pfd < 0:",
          "                continue",
          "            mids = (ctypes.c_uint * 16)()",
          "            info = (ctypes.c_ubyte * 256)()",
          "            put(info, 52, 4, 16); put(info, 56, 8, ctypes.addressof(mids))",
          "            a = attr(); put(a, 0, 4, pfd); put(a, 4, 4, 256); put(a, 8, 8,"
              + " ctypes.addressof(info))",
          "            r, e = bpf(15, a)",
          "            os.close(pfd)",
          "            for m in range(min(get(info, 52, 4), 16)):",
          "                maps.add(mids[m])",
          "    for m in sorted(maps):",
          "        print('map', m)",
          "elif sys.argv[1] == 'detach':",
          "    fd = os.open(sys.argv[2], os.O_RDONLY | os.O_DIRECTORY)",
          "    pfd, e = by_id(13, int(sys.argv[3]))",
          "    if pfd < 0:",
          "        sys.exit('BPF_PROG_GET_FD_BY_ID failed: ' + os.strerror(e))",
          "    a = attr(); put(a, 0, 4, fd); put(a, 4, 4, pfd); put(a, 8, 4, int(sys.argv[4]))",
          "    r, e = bpf(9, a)",
          "    if r < 0:",
          "        sys.exit('BPF_PROG_DETACH failed: ' + os.strerror(e))",
          "elif sys.argv[1] == 'alive':",
          "    cmd = 13 if sys.argv[2] == 'prog' else 14",
          "    for i in sys.argv[3:]:",
          "        fd, e = by_id(cmd, int(i))",
          "        if fd >= 0:",
          "            os.close(fd); print(i)");

  /** What {@code query} found on one cgroup. */
  record Attached(List<Long> programs, List<Integer> attachTypes, List<Long> maps) {}

  private BpfObjects() {}

  /** The programs attached to the cgroup directory itself (not inherited), and their maps. */
  static Attached query(Path cgroup) throws IOException, InterruptedException {
    List<Long> programs = new ArrayList<>();
    List<Integer> types = new ArrayList<>();
    List<Long> maps = new ArrayList<>();
    for (String line : run("query", cgroup.toString())) {
      String[] words = line.split(" ");
      if (words[0].equals("prog")) {
        programs.add(Long.parseLong(words[1]));
        types.add(Integer.parseInt(words[2]));
      } else {
        maps.add(Long.parseLong(words[1]));
      }
    }
    return new Attached(programs, types, maps);
  }

  /** Detaches the program {@code id}, attached at {@code attachType}, from the cgroup. */
  static void detach(Path cgroup, long id, int attachType)
      throws IOException, InterruptedException {
    run("detach", cgroup.toString(), Long.toString(id), Integer.toString(attachType));
  }

  /** Of {@code ids} of {@code kind} ({@code prog} or {@code map}), those that still exist. */
  static List<Long> alive(String kind, List<Long> ids) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("alive", kind));
    ids.forEach(id -> args.add(Long.toString(id)));
    return run(args.toArray(String[]::new)).stream().map(Long::parseLong).toList();
  }

  private static List<String> run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("python3", "-c", SCRIPT));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException("python3 bpf query " + String.join(" ", args) + " failed: " + out);
    }
    return out.lines().filter(line -> !line.isBlank()).toList();
  }
}
