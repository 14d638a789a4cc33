package dev.portcullis.bpf.sys;

import java.nio.ByteOrder;
import java.util.Locale;
import java.util.Optional;

/**
 * What differs between the architectures the guard runs on: the number of {@code bpf(2)} and the
 * value of {@code O_DIRECTORY}. Only little-endian 64-bit hosts are supported, because the
 * encodings in {@link dev.portcullis.bpf.abi} are little-endian.
 *
 * @param name the {@code os.arch} value
 * @param bpfSyscall the system call number of {@code bpf}
 * @param directoryFlag {@code O_DIRECTORY}
 */
record HostArch(String name, long bpfSyscall, int directoryFlag) {

  /** The architecture this JVM runs on, or why the guard cannot run here. */
  static HostArch current() throws UnsupportedOperationException {
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    return of(arch, ByteOrder.nativeOrder())
        .orElseThrow(
            () ->
                new UnsupportedOperationException(
                    "the BPF guard supports x86_64 and aarch64 (little-endian), not "
                        + arch
                        + " ("
                        + ByteOrder.nativeOrder()
                        + ")"));
  }

  static Optional<HostArch> of(String arch, ByteOrder order) {
    if (order != ByteOrder.LITTLE_ENDIAN) {
      return Optional.empty();
    }
    return switch (arch) {
      case "amd64", "x86_64" -> Optional.of(new HostArch(arch, 321, 0200000));
      case "aarch64", "arm64" -> Optional.of(new HostArch(arch, 280, 040000));
      default -> Optional.empty();
    };
  }
}
