package dev.portcullis.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.api.PortGuard;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Both ways of finding the guard name it; the module exports nothing (its jnr-ffi binding is
 * bpf-common's).
 */
class ServiceRegistrationTest {

  @Test
  void theModuleDescriptorProvidesTheGuardAndExportsNothing() {
    ModuleDescriptor descriptor = BpfPortGuard.class.getModule().getDescriptor();
    List<ModuleDescriptor.Provides> provides = List.copyOf(descriptor.provides());
    assertEquals(1, provides.size());
    assertEquals(PortGuard.class.getName(), provides.get(0).service());
    assertEquals(List.of(BpfPortGuard.class.getName()), provides.get(0).providers());
    assertEquals(
        Set.of(),
        descriptor.exports().stream()
            .map(ModuleDescriptor.Exports::source)
            .collect(Collectors.toSet()));
    descriptor
        .exports()
        .forEach(e -> assertEquals(Set.of(), e.targets(), "unqualified for jnr-ffi"));
  }

  @Test
  void autoServiceListsTheGuardForTheClassPath() throws IOException {
    try (InputStream in =
        BpfPortGuard.class
            .getModule()
            .getResourceAsStream("META-INF/services/" + PortGuard.class.getName())) {
      List<String> listed =
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .map(String::trim)
              .filter(line -> !line.isEmpty() && !line.startsWith("#"))
              .collect(Collectors.toList());
      assertEquals(List.of(BpfPortGuard.class.getName()), listed);
    }
  }

  @Test
  void constructingTheGuardTouchesNothing() {
    // No probe, no jnr-ffi, no cgroup: a ServiceLoader may build providers it never uses.
    BpfPortGuard guard = new BpfPortGuard();
    assertEquals("bpf", guard.name());
    assertEquals(0, guard.order());
  }
}
