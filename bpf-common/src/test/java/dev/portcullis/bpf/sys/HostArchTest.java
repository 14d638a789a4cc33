package dev.portcullis.bpf.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The bpf(2) number and O_DIRECTORY differ by architecture; big-endian hosts are refused. */
class HostArchTest {

  @Test
  void knownArchitectures() {
    assertEquals(321, HostArch.of("amd64", ByteOrder.LITTLE_ENDIAN).orElseThrow().bpfSyscall());
    assertEquals(
        0x10000, HostArch.of("amd64", ByteOrder.LITTLE_ENDIAN).orElseThrow().directoryFlag());
    assertEquals(280, HostArch.of("aarch64", ByteOrder.LITTLE_ENDIAN).orElseThrow().bpfSyscall());
    assertEquals(
        0x4000, HostArch.of("aarch64", ByteOrder.LITTLE_ENDIAN).orElseThrow().directoryFlag());
  }

  @Test
  void othersAreRefused() {
    assertEquals(Optional.empty(), HostArch.of("s390x", ByteOrder.BIG_ENDIAN));
    assertEquals(Optional.empty(), HostArch.of("amd64", ByteOrder.BIG_ENDIAN));
    assertEquals(Optional.empty(), HostArch.of("riscv64", ByteOrder.LITTLE_ENDIAN));
  }

  @Test
  void thisHostIsKnownWhenTheBuildRunsHere() {
    String arch = System.getProperty("os.arch");
    if (arch.equals("amd64") || arch.equals("aarch64")) {
      assertTrue(HostArch.of(arch, ByteOrder.nativeOrder()).isPresent());
    }
  }
}
