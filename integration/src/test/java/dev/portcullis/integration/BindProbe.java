package dev.portcullis.integration;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A task that tries binds and says how each went: {@code python3 -c SCRIPT SECONDS SPEC...}, each
 * SPEC {@code proto,host,port[,v6only|dual]}. Every socket that binds is kept (a TCP one listening)
 * for SECONDS, then the task exits 0. Each attempt prints one line, {@code probe SPEC ok PORT} or
 * {@code probe SPEC ERRNO} (for example {@code EPERM}), to standard output.
 */
final class BindProbe {

  static final String SCRIPT =
      String.join(
          "\n",
          "import errno, socket, sys, time",
          "held = []",
          "for spec in sys.argv[2:]:",
          "    parts = spec.split(',')",
          "    proto, host, port = parts[0], parts[1], int(parts[2])",
          "    family = socket.AF_INET6 if ':' in host else socket.AF_INET",
          "    kind = socket.SOCK_STREAM if proto == 'tcp' else socket.SOCK_DGRAM",
          "    s = socket.socket(family, kind)",
          "    if family == socket.AF_INET6:",
          "        only = 0 if len(parts) > 3 and parts[3] == 'dual' else 1",
          "        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, only)",
          "    try:",
          "        s.bind((host, port))",
          "        if proto == 'tcp':",
          "            s.listen()",
          "        held.append(s)",
          "        print('probe', spec, 'ok', s.getsockname()[1], flush=True)",
          "    except OSError as e:",
          "        print('probe', spec, errno.errorcode.get(e.errno, str(e.errno)), flush=True)",
          "        s.close()",
          "time.sleep(float(sys.argv[1]))");

  private static final Pattern LINE = Pattern.compile("probe (\\S+) (\\S+)(?: (\\d+))?");

  /** One attempt's outcome: {@code result} is {@code ok} or an errno name. */
  record Outcome(String spec, String result) {}

  private BindProbe() {}

  /** The command line of a probe holding its sockets for {@code seconds}. */
  static List<String> command(double seconds, String... specs) {
    List<String> command =
        new ArrayList<>(List.of("python3", "-c", SCRIPT, String.valueOf(seconds)));
    command.addAll(List.of(specs));
    return command;
  }

  /** Every outcome printed in {@code text}, in order. */
  static List<Outcome> outcomes(String text) {
    List<Outcome> outcomes = new ArrayList<>();
    for (String line : text.split("\n")) {
      Matcher matcher = LINE.matcher(line.strip());
      if (matcher.matches()) {
        outcomes.add(new Outcome(matcher.group(1), matcher.group(2)));
      }
    }
    return outcomes;
  }
}
