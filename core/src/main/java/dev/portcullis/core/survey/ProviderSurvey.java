package dev.portcullis.core.survey;

import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.PortGuard;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.Protocol;
import dev.portcullis.api.Provider;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.api.SocketSource;
import dev.portcullis.core.providers.ProviderLoader;
import dev.portcullis.core.providers.ProviderReport;
import dev.portcullis.core.providers.ProviderSelector;
import java.io.PrintStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Lists every provider this process can find, of each kind, with whether it is available here and
 * why not; with {@code --snapshot}, also takes one snapshot with the best available socket source.
 *
 * <p>Run it on the module path to see what an embedding agent would find: {@code java -p <jars> -m
 * dev.portcullis.core/dev.portcullis.core.survey.ProviderSurvey --snapshot}. Module resolution
 * binds every provider module on the path, because this module {@code uses} the four SPIs.
 *
 * <p>A command, not an API: its package is not exported, and {@code java -m} needs no export to run
 * it. Programs read the same reports through {@link ProviderSelector#survey}.
 */
public final class ProviderSurvey {

  private ProviderSurvey() {}

  /**
   * Prints the survey to standard output: a line {@code <kind> <name> <status> [cause]} per
   * provider, best first, and with {@code --snapshot} a line {@code snapshot <source> <count>
   * sockets}. Exits with 1 if the snapshot fails, 2 on an unknown argument.
   */
  public static void main(String[] args) {
    boolean snapshot = false;
    for (String arg : args) {
      if (arg.equals("--snapshot")) {
        snapshot = true;
      } else {
        System.err.println("Unknown argument '" + arg + "'; the only option is --snapshot");
        System.exit(2);
      }
    }
    PrintStream out = System.out;
    ProviderLoader loader = ProviderLoader.serviceLoader();
    ProviderSettings settings = ProviderSettings.empty();
    print(out, "socket-source", SocketSource.class, settings, loader);
    print(out, "process-tracker", ProcessTracker.class, settings, loader);
    print(out, "policy", EnforcementPolicy.class, settings, loader);
    print(out, "port-guard", PortGuard.class, settings, loader);
    if (snapshot) {
      try {
        SocketSource source =
            ProviderSelector.select(SocketSource.class, Optional.empty(), settings, loader)
                .provider();
        List<ListeningSocket> sockets =
            source.listeningSockets(EnumSet.of(Protocol.TCP, Protocol.UDP));
        out.println("snapshot " + source.name() + " " + sockets.size() + " sockets");
      } catch (Exception e) {
        System.err.println("Snapshot failed: " + e);
        System.exit(1);
      }
    }
  }

  private static <T extends Provider> void print(
      PrintStream out,
      String kind,
      Class<T> type,
      ProviderSettings settings,
      ProviderLoader loader) {
    for (ProviderReport report : ProviderSelector.survey(type, settings, loader)) {
      out.println(
          kind
              + " "
              + report.name().orElse("?")
              + " "
              + report.status().name().toLowerCase(Locale.ROOT)
              + report.cause().map(c -> " " + c).orElse(""));
    }
  }
}
