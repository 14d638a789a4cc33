package dev.portcullis.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.api.SocketSource;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Both ways of finding the sources name both of them; construction does no work. */
class ServiceRegistrationTest {

  private static final Set<String> BOTH =
      Set.of(NetlinkSocketSource.class.getName(), ProcNetSocketSource.class.getName());

  @Test
  void theModuleDescriptorProvidesBothSources() {
    ModuleDescriptor descriptor = NetlinkSocketSource.class.getModule().getDescriptor();
    List<ModuleDescriptor.Provides> provides = List.copyOf(descriptor.provides());
    assertEquals(1, provides.size());
    assertEquals(SocketSource.class.getName(), provides.get(0).service());
    assertEquals(BOTH, Set.copyOf(provides.get(0).providers()));
    assertEquals(
        Set.of("dev.portcullis.netlink.ffi"),
        descriptor.exports().stream()
            .map(ModuleDescriptor.Exports::source)
            .collect(Collectors.toSet()));
  }

  @Test
  void autoServiceListsBothSourcesForTheClassPath() throws IOException {
    try (InputStream in =
        NetlinkSocketSource.class
            .getModule()
            .getResourceAsStream("META-INF/services/" + SocketSource.class.getName())) {
      Set<String> listed =
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .map(String::trim)
              .filter(line -> !line.isEmpty() && !line.startsWith("#"))
              .collect(Collectors.toCollection(TreeSet::new));
      assertEquals(BOTH, listed);
    }
  }

  @Test
  void constructingTheSourcesTouchesNothing() {
    // No probe, no jnr-ffi, no files: a ServiceLoader may build providers it never uses.
    assertEquals("netlink", new NetlinkSocketSource().name());
    assertEquals("procfs", new ProcNetSocketSource().name());
  }
}
