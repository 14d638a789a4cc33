package dev.portcullis.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueTypesTest {

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static ListeningSocket.Builder tcp4(int port) {
    return ListeningSocket.builder()
        .family(AddressFamily.IPV4)
        .protocol(Protocol.TCP)
        .address(address("127.0.0.1"))
        .port(port)
        .inode(1000 + port)
        .uid(0);
  }

  private static void assertMessageContains(Throwable e, String... words) {
    for (String word : words) {
      assertTrue(
          e.getMessage().contains(word), () -> "expected '" + word + "' in: " + e.getMessage());
    }
  }

  // ========================================================= ListeningSocket

  @Nested
  class ListeningSocketTests {

    @Test
    void buildsWithEveryRequiredAttribute() {
      ListeningSocket socket = tcp4(8080).build();

      assertEquals(AddressFamily.IPV4, socket.family());
      assertEquals(Protocol.TCP, socket.protocol());
      assertEquals(address("127.0.0.1"), socket.address());
      assertEquals(8080, socket.port());
      assertEquals(9080, socket.inode());
      assertEquals(0, socket.uid());
      assertEquals(OptionalLong.empty(), socket.cgroupId());
    }

    @Test
    void cgroupIdIsOptional() {
      assertEquals(OptionalLong.of(42), tcp4(80).cgroupId(42).build().cgroupId());
    }

    @Test
    void missingFamilyIsAnIllegalStateException() {
      ListeningSocket.Builder builder =
          ListeningSocket.builder()
              .protocol(Protocol.TCP)
              .address(address("127.0.0.1"))
              .port(80)
              .inode(1)
              .uid(0);

      IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);
      assertMessageContains(e, "family");
    }

    @Test
    void missingPortAndInodeAreNamed() {
      ListeningSocket.Builder builder =
          ListeningSocket.builder()
              .family(AddressFamily.IPV4)
              .protocol(Protocol.UDP)
              .address(address("127.0.0.1"))
              .uid(0);

      IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);
      assertMessageContains(e, "port", "inode");
    }

    @Test
    void emptyBuilderIsAnIllegalStateException() {
      assertThrows(IllegalStateException.class, () -> ListeningSocket.builder().build());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 65536, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void rejectsPortsOutOfBounds(int port) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> tcp4(0).port(port).build());
      assertMessageContains(e, String.valueOf(port), "out of bounds");
    }

    @Test
    void acceptsPortsZeroAnd65535() {
      assertEquals(0, tcp4(0).build().port());
      assertEquals(65535, tcp4(65535).build().port());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void rejectsNonPositiveInodes(long inode) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> tcp4(80).inode(inode).build());
      assertMessageContains(e, "inode", String.valueOf(inode));
    }

    @Test
    void rejectsAnIpv4SocketWithAnIpv6Address() {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> tcp4(80).address(address("::1")).build());
      assertMessageContains(e, "IPv4", "IPv6");
    }

    @Test
    void ipv6SocketMayCarryAnIpv4MappedAddress() {
      InetAddress mapped = address("::ffff:10.0.0.1");
      ListeningSocket socket = tcp4(80).family(AddressFamily.IPV6).address(mapped).build();

      assertTrue(socket.address() instanceof Inet4Address);
      assertEquals(AddressFamily.IPV6, socket.family());
      assertEquals("10.0.0.1", socket.address().getHostAddress());
    }

    @Test
    void ipv6SocketWithAnIpv6Address() {
      ListeningSocket socket = tcp4(80).family(AddressFamily.IPV6).address(address("::1")).build();

      assertFalse(socket.isWildcard());
    }

    @Test
    void ipv4WildcardIsWildcard() {
      assertTrue(tcp4(80).address(address("0.0.0.0")).build().isWildcard());
    }

    @Test
    void ipv6WildcardIsWildcard() {
      ListeningSocket socket = tcp4(80).family(AddressFamily.IPV6).address(address("::")).build();

      assertTrue(socket.isWildcard());
    }

    @Test
    void specificAddressIsNotWildcard() {
      assertFalse(tcp4(80).build().isWildcard());
    }

    @Test
    void toStringOfAnIpv4Socket() {
      assertEquals("tcp 127.0.0.1:8080 inode 9080", tcp4(8080).build().toString());
    }

    @Test
    void toStringOfAUdpSocket() {
      assertEquals(
          "udp 0.0.0.0:53 inode 7",
          tcp4(53).protocol(Protocol.UDP).address(address("0.0.0.0")).inode(7).build().toString());
    }

    @Test
    void toStringBracketsCompressedIpv6Addresses() {
      ListeningSocket.Builder socket = tcp4(8080).family(AddressFamily.IPV6).inode(1234);
      assertEquals("tcp [::1]:8080 inode 1234", socket.address(address("::1")).build().toString());
      assertEquals("tcp [::]:8080 inode 1234", socket.address(address("::")).build().toString());
      assertEquals(
          "tcp [2001:db8::1:0:0:1]:8080 inode 1234",
          socket.address(address("2001:db8:0:0:1:0:0:1")).build().toString());
      assertEquals(
          "tcp [fe80::1:2:3:4]:8080 inode 1234",
          socket.address(address("fe80:0:0:0:1:2:3:4")).build().toString());
      assertEquals(
          "tcp [1:2:3:4:5:6:7:8]:8080 inode 1234",
          socket.address(address("1:2:3:4:5:6:7:8")).build().toString());
      assertEquals(
          "tcp [::ffff:127.0.0.1]:8080 inode 1234",
          socket.address(address("::ffff:127.0.0.1")).build().toString());
    }

    @Test
    void endpointIsAddressAndPort() {
      assertEquals("127.0.0.1:8080", tcp4(8080).build().endpoint());
      assertEquals(
          "[::]:65535",
          tcp4(65535).family(AddressFamily.IPV6).address(address("::")).build().endpoint());
    }

    @Test
    void equalAttributesMakeEqualSockets() {
      assertEquals(tcp4(80).build(), tcp4(80).build());
      assertEquals(tcp4(80).build().hashCode(), tcp4(80).build().hashCode());
    }
  }

  // ========================================================= ContainerConfig

  @Nested
  class ContainerConfigTests {

    @Test
    void defaultHasNoPortsAndNoNetworks() {
      ContainerConfig config = ContainerConfig.builder().build();

      assertEquals(PortRanges.empty(), config.ports());
      assertTrue(config.networks().isEmpty());
      assertFalse(config.onNamedNetwork());
    }

    @Test
    void withPortsIsOnTheHostNetwork() {
      PortRanges ports = PortRanges.parse("[31000-31005]");
      ContainerConfig config = ContainerConfig.withPorts(ports);

      assertEquals(ports, config.ports());
      assertFalse(config.onNamedNetwork());
    }

    @Test
    void networksAreKeptInOrder() {
      ContainerConfig config = ContainerConfig.builder().addNetworks("net-b", "net-a").build();

      assertEquals(List.of("net-b", "net-a"), config.networks());
      assertTrue(config.onNamedNetwork());
    }

    @Test
    void networksAreUnmodifiable() {
      List<String> networks = ContainerConfig.builder().addNetworks("cni").build().networks();

      assertThrows(UnsupportedOperationException.class, () -> networks.add("other"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n"})
    void rejectsBlankNetworkNames(String name) {
      ContainerConfig.Builder builder = ContainerConfig.builder().addNetworks("ok", name);

      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
      assertMessageContains(e, "blank");
    }
  }

  // =============================================================== Violation

  @Nested
  class ViolationTests {

    private final ContainerId nested = ContainerId.parse("exec.task");

    private Violation violation(ContainerId container, String allocated, String listening) {
      return Violation.builder()
          .container(container)
          .allocated(PortRanges.parse(allocated))
          .listening(PortRanges.parse(listening))
          .build();
    }

    @Test
    void unallocatedIsListeningMinusAllocated() {
      Violation v =
          violation(ContainerId.of("c"), "[31000-31005]", "[80-80, 31000-31001, 8080-8081]");

      assertEquals(PortRanges.parse("[80-80, 8080-8081]"), v.unallocated());
    }

    @Test
    void rootOfATopLevelContainerIsItself() {
      ContainerId c = ContainerId.of("c");

      assertEquals(c, violation(c, "[]", "[80-80]").root());
    }

    @Test
    void rootOfANestedContainerIsTheTopLevelAncestor() {
      Violation v = violation(nested, "[]", "[80-80]");

      assertEquals(nested, v.container());
      assertEquals(ContainerId.of("exec"), v.root());
    }

    @Test
    void messageIsTheMesosLogLine() {
      Violation v = violation(nested, "[31000-31005]", "[80-80, 31000-31001, 8080-8081]");

      assertEquals(
          "Container exec.task is listening on unallocated port(s): [80-80, 8080-8081]",
          v.message());
    }

    @Test
    void messageOfATopLevelContainer() {
      Violation v = violation(ContainerId.of("c"), "[]", "[65535-65535]");

      assertEquals("Container c is listening on unallocated port(s): [65535-65535]", v.message());
    }

    @Test
    void socketsAndPidsDefaultToEmpty() {
      Violation v = violation(ContainerId.of("c"), "[]", "[80-80]");

      assertTrue(v.sockets().isEmpty());
      assertTrue(v.pids().isEmpty());
    }

    @Test
    void keepsSocketsAndPids() {
      ListeningSocket socket = tcp4(80).build();
      Violation v =
          Violation.builder()
              .container(ContainerId.of("c"))
              .allocated(PortRanges.empty())
              .listening(PortRanges.of(80))
              .addSockets(socket)
              .addPids(12, 34)
              .build();

      assertEquals(List.of(socket), v.sockets());
      assertEquals(Set.of(12L, 34L), v.pids());
    }

    @Test
    void rejectsListeningOnlyOnAllocatedPorts() {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> violation(ContainerId.of("c"), "[31000-31005]", "[31001-31002]"));
      assertMessageContains(e, "Not a violation", "c", "[31001-31002]", "[31000-31005]");
    }

    @Test
    void rejectsListeningOnNothing() {
      assertThrows(
          IllegalArgumentException.class, () -> violation(ContainerId.of("c"), "[]", "[]"));
    }

    @Test
    void missingContainerIsAnIllegalStateException() {
      Violation.Builder builder =
          Violation.builder().allocated(PortRanges.empty()).listening(PortRanges.of(80));

      IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);
      assertMessageContains(e, "container");
    }
  }

  // ===================================================== ContainerLimitation

  @Nested
  class ContainerLimitationTests {

    private final ContainerId root = ContainerId.of("exec");

    private Violation nestedViolation() {
      return Violation.builder()
          .container(root.child("task"))
          .allocated(PortRanges.parse("[31000-31005]"))
          .listening(PortRanges.parse("[80-80, 31000-31000]"))
          .build();
    }

    @Test
    void ofANestedViolationIsRaisedOnTheRoot() {
      ContainerLimitation limitation = ContainerLimitation.of(nestedViolation());

      assertEquals(root, limitation.container());
      assertFalse(limitation.container().isNested());
    }

    @Test
    void ofCarriesTheUnallocatedPortsAndTheViolationMessage() {
      Violation violation = nestedViolation();
      ContainerLimitation limitation = ContainerLimitation.of(violation);

      assertEquals(PortRanges.of(80), limitation.ports());
      assertEquals(violation.message(), limitation.message());
      assertEquals(
          "Container exec.task is listening on unallocated port(s): [80-80]", limitation.message());
    }

    @Test
    void reasonIsTheMesosReason() {
      ContainerLimitation limitation = ContainerLimitation.of(nestedViolation());

      assertEquals("REASON_CONTAINER_LIMITATION", limitation.reason());
      assertEquals("REASON_CONTAINER_LIMITATION", ContainerLimitation.REASON);
      assertEquals("ports", ContainerLimitation.RESOURCE_NAME);
    }

    @Test
    void mayLimitANestedContainerKilledAlone() {
      ContainerLimitation limitation =
          ContainerLimitation.builder()
              .container(root.child("task"))
              .ports(PortRanges.of(80))
              .message("m")
              .build();

      assertEquals(ContainerId.parse("exec.task"), limitation.container());
    }

    @Test
    void rejectsEmptyPorts() {
      ContainerLimitation.Builder builder =
          ContainerLimitation.builder().container(root).ports(PortRanges.empty()).message("m");

      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
      assertMessageContains(e, "at least one port");
    }

    @Test
    void missingMessageIsAnIllegalStateException() {
      ContainerLimitation.Builder builder =
          ContainerLimitation.builder().container(root).ports(PortRanges.of(80));

      assertThrows(IllegalStateException.class, builder::build);
    }
  }

  // =========================================================== PolicyContext

  @Nested
  class PolicyContextTests {

    private PolicyContext.Builder valid() {
      return PolicyContext.builder().enforcing(true).scan(1).consecutiveScans(1);
    }

    @Test
    void buildsWithoutLastLogged() {
      PolicyContext context = valid().scan(7).consecutiveScans(2).build();

      assertTrue(context.enforcing());
      assertEquals(7, context.scan());
      assertEquals(2, context.consecutiveScans());
      assertEquals(Optional.empty(), context.lastLogged());
    }

    @Test
    void keepsLastLogged() {
      PortRanges ports = PortRanges.of(80);

      assertEquals(Optional.of(ports), valid().lastLogged(ports).build().lastLogged());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void scanMustBeAtLeastOne(long scan) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> valid().scan(scan).build());
      assertMessageContains(e, "scan", String.valueOf(scan));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void consecutiveScansMustBeAtLeastOne(int consecutive) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> valid().consecutiveScans(consecutive).build());
      assertMessageContains(e, "consecutiveScans", String.valueOf(consecutive));
    }

    @Test
    void missingEnforcingIsAnIllegalStateException() {
      PolicyContext.Builder builder = PolicyContext.builder().scan(1).consecutiveScans(1);

      assertThrows(IllegalStateException.class, builder::build);
    }
  }

  // ================================================================= Verdict

  @Nested
  class VerdictTests {

    @Test
    void ignoreHasAnEmptyMessage() {
      assertEquals(new Verdict(Verdict.Action.IGNORE, ""), Verdict.ignore());
    }

    @Test
    void logAndKillCarryTheirMessage() {
      assertEquals(Verdict.Action.LOG, Verdict.log("m").action());
      assertEquals("m", Verdict.log("m").message());
      assertEquals(Verdict.Action.KILL, Verdict.kill("k").action());
      assertEquals("k", Verdict.kill("k").message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\n"})
    void logNeedsAMessage(String message) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Verdict.log(message));
      assertMessageContains(e, "LOG", "message");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " "})
    void killNeedsAMessage(String message) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Verdict.kill(message));
      assertMessageContains(e, "KILL", "message");
    }

    @Test
    void killsTheRootUnlessToldOtherwise() {
      assertEquals(KillScope.ROOT, Verdict.kill("k").scope());
      assertEquals(KillScope.ROOT, Verdict.log("m").scope());
      assertEquals(KillScope.ROOT, Verdict.ignore().scope());
      assertEquals(KillScope.OFFENDER, Verdict.kill("k", KillScope.OFFENDER).scope());
      assertEquals(Verdict.kill("k"), Verdict.kill("k", KillScope.ROOT));
    }

    @ParameterizedTest
    @EnumSource(
        value = Verdict.Action.class,
        names = {"IGNORE", "LOG"})
    void onlyAKillHasAnOffenderScope(Verdict.Action action) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> new Verdict(action, "m", KillScope.OFFENDER));
      assertMessageContains(e, "scope", action.name());
    }

    @Test
    void ignoreMayCarryAMessage() {
      assertEquals("why", new Verdict(Verdict.Action.IGNORE, "why").message());
    }

    @Test
    void nullsAreRejected() {
      assertThrows(NullPointerException.class, () -> new Verdict(null, "m"));
      assertThrows(NullPointerException.class, () -> new Verdict(Verdict.Action.IGNORE, null));
      assertThrows(NullPointerException.class, () -> Verdict.kill("k", null));
    }
  }

  // ======================================================== ProviderSettings

  @Nested
  class ProviderSettingsTests {

    private final ProviderSettings settings =
        ProviderSettings.of(
            Map.of(
                "yes", "true",
                "no", "FALSE",
                "mixed", "TrUe",
                "bad_bool", "yes",
                "count", "42",
                "spaced", " 7 ",
                "negative", "-3",
                "bad_int", "4.5",
                "word", "many"));

    @Test
    void getReturnsTheValueAsGiven() {
      assertEquals(Optional.of(" 7 "), settings.get("spaced"));
      assertEquals(Optional.empty(), settings.get("absent"));
    }

    @Test
    void getBooleanAcceptsAnyCase() {
      assertTrue(settings.getBoolean("yes", false));
      assertFalse(settings.getBoolean("no", true));
      assertTrue(settings.getBoolean("mixed", false));
    }

    @Test
    void getBooleanReturnsTheDefaultWhenAbsent() {
      assertTrue(settings.getBoolean("absent", true));
      assertFalse(settings.getBoolean("absent", false));
    }

    @Test
    void getBooleanRejectsOtherWordsNamingTheSetting() {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> settings.getBoolean("bad_bool", true));
      assertMessageContains(e, "'bad_bool'", "'yes'", "true or false");
    }

    @Test
    void getIntParsesDecimals() {
      assertEquals(42, settings.getInt("count", 0));
      assertEquals(-3, settings.getInt("negative", 0));
    }

    @Test
    void getIntTrimsWhitespace() {
      assertEquals(7, settings.getInt("spaced", 0));
    }

    @Test
    void getIntReturnsTheDefaultWhenAbsent() {
      assertEquals(5, settings.getInt("absent", 5));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad_int", "word"})
    void getIntRejectsNonNumbersNamingTheSetting(String name) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> settings.getInt(name, 0));
      assertMessageContains(e, "'" + name + "'", "whole number");
      assertTrue(e.getCause() instanceof NumberFormatException);
    }

    @Test
    void getIntRejectsValuesBeyondInt() {
      ProviderSettings big = ProviderSettings.empty().with("n", "2147483648");

      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> big.getInt("n", 0));
      assertMessageContains(e, "'n'", "2147483648");
    }

    @Test
    void withAddsASettingToACopy() {
      ProviderSettings more = settings.with("extra", "1");

      assertEquals(Optional.of("1"), more.get("extra"));
      assertEquals(Optional.empty(), settings.get("extra"));
      assertEquals(Optional.of("42"), more.get("count"));
    }

    @Test
    void withReplacesASettingOfTheSameName() {
      ProviderSettings replaced = settings.with("count", "9");

      assertEquals(9, replaced.getInt("count", 0));
      assertEquals(42, settings.getInt("count", 0));
    }

    @Test
    void emptyHasNoSettings() {
      assertTrue(ProviderSettings.empty().asMap().isEmpty());
      assertEquals(Optional.empty(), ProviderSettings.empty().get("anything"));
    }

    @Test
    void asMapIsUnmodifiable() {
      Map<String, String> map = settings.asMap();

      assertThrows(UnsupportedOperationException.class, () -> map.put("x", "y"));
      assertThrows(UnsupportedOperationException.class, () -> map.remove("count"));
    }

    @Test
    void ofCopiesTheGivenMap() {
      Map<String, String> source = new HashMap<>();
      source.put("a", "1");
      ProviderSettings copy = ProviderSettings.of(source);
      source.put("a", "2");
      source.put("b", "3");

      assertEquals(Map.of("a", "1"), copy.asMap());
    }

    @Test
    void ofRejectsNullValues() {
      Map<String, String> source = new HashMap<>();
      source.put("a", null);

      assertThrows(NullPointerException.class, () -> ProviderSettings.of(source));
    }

    @Test
    void toStringListsSettingsSortedByName() {
      assertEquals("{a=1, b=2}", ProviderSettings.of(Map.of("b", "2", "a", "1")).toString());
    }
  }
}
