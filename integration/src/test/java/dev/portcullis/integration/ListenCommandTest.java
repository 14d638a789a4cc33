package dev.portcullis.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.integration.AgentLauncher.Result;
import dev.portcullis.integration.AgentLauncher.Running;
import dev.portcullis.testkit.linux.RequiresLinuxRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code bin/portcullis listen} end to end: it holds real ports until killed. */
@RequiresLinuxRoot
class ListenCommandTest {

  private static final Pattern LINE = Pattern.compile("listening (tcp|udp) \\[::\\]:(\\d+)");

  /** Whether {@code ss} lists a listening socket of the protocol on the port. */
  private static boolean held(String protocol, int port) throws IOException, InterruptedException {
    Process ss =
        new ProcessBuilder("ss", protocol.equals("tcp") ? "-ltnH" : "-lunH", "sport = :" + port)
            .redirectErrorStream(true)
            .start();
    try {
      String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(ss.waitFor(30, TimeUnit.SECONDS), "ss did not finish");
      assertEquals(0, ss.exitValue(), out);
      return out.lines().anyMatch(line -> line.contains(":" + port + " "));
    } finally {
      ss.destroyForcibly();
    }
  }

  @Test
  void holdsThePortsItPrintsUntilKilled() throws Exception {
    int tcp;
    int udp;
    try (Running listen = AgentLauncher.start("listen", "--tcp=0", "--udp=0", "--ipv6")) {
      List<String> lines = listen.lines(2);
      Matcher first = LINE.matcher(lines.get(0));
      Matcher second = LINE.matcher(lines.get(1));
      assertTrue(first.matches() && first.group(1).equals("tcp"), lines::toString);
      assertTrue(second.matches() && second.group(1).equals("udp"), lines::toString);
      tcp = Integer.parseInt(first.group(2));
      udp = Integer.parseInt(second.group(2));
      assertTrue(tcp > 0 && udp > 0, lines::toString);

      assertTrue(held("tcp", tcp), "TCP port " + tcp + " is listened on");
      assertTrue(held("udp", udp), "UDP port " + udp + " is bound");

      listen.process().destroyForcibly();
      assertTrue(listen.process().waitFor(30, TimeUnit.SECONDS), "killed");
    }
    assertTrue(!held("tcp", tcp) && !held("udp", udp), "freed once killed");
  }

  @Test
  void withoutAPortItIsAUsageErrorOnOneLine() throws Exception {
    Result result = AgentLauncher.run("listen");
    assertEquals(2, result.exit(), result::toString);
    assertEquals("", result.out(), result::toString);
    assertEquals(1, result.errorLines().size(), result::toString);
    assertTrue(result.errorLines().get(0).startsWith("listen: "), result::toString);
    assertTrue(result.errorLines().get(0).contains("--tcp"), result::toString);
  }
}
