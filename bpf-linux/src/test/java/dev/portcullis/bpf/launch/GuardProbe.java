package dev.portcullis.bpf.launch;

import dev.portcullis.api.PortGuard;
import dev.portcullis.api.ProviderSettings;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * A program that finds the port guards the way an embedder would, by {@link ServiceLoader} from the
 * unnamed module, and probes each. {@link dev.portcullis.bpf.ModuleGraphTest} runs it in a fresh
 * JVM, on the module path and on the class path, because only a real launch shows a missing {@code
 * requires} or export.
 */
public final class GuardProbe {

  private GuardProbe() {}

  /**
   * Prints one line about the module layer, then one line per guard found.
   *
   * @param args the {@code cgroups_root} to probe under
   */
  public static void main(String[] args) {
    System.out.println(
        ModuleLayer.boot()
            .findModule("dev.portcullis.bpf")
            .map(
                m ->
                    "layer exports "
                        + new TreeSet<>(
                            m.getDescriptor().exports().stream()
                                .map(
                                    e -> e.source() + (e.isQualified() ? " to " + e.targets() : ""))
                                .toList()))
            .orElse("layer class path"));
    for (PortGuard guard : ServiceLoader.load(PortGuard.class)) {
      guard.initialize(ProviderSettings.empty().with("cgroups_root", args[0]));
      Optional<Throwable> cause = guard.unavailabilityCause();
      String state =
          cause.isPresent()
              ? "unavailable " + cause.get()
              : "available listen=" + guard.stopsUnboundListeners();
      System.out.println(
          "guard " + guard.name() + " " + guard.getClass().getModule().getName() + " " + state);
    }
  }
}
