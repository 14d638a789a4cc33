package dev.portcullis.netlink.launch;

import dev.portcullis.api.Protocol;
import dev.portcullis.api.SocketSource;
import java.util.EnumSet;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * A program that finds the socket sources the way an embedder would, by {@link ServiceLoader} from
 * the unnamed module, and takes one snapshot from each. {@link
 * dev.portcullis.netlink.ModuleGraphTest} runs it in a fresh JVM, on the module path and on the
 * class path, because only a real launch shows a missing {@code requires} or export.
 */
public final class ServiceProbe {

  private ServiceProbe() {}

  /** Prints one line about the module layer, then one line per source found. */
  public static void main(String[] args) throws Exception {
    System.out.println(
        ModuleLayer.boot()
            .findModule("dev.portcullis.netlink")
            .map(
                m ->
                    "layer exports "
                        + new TreeSet<>(
                            m.getDescriptor().exports().stream()
                                .map(
                                    e -> e.source() + (e.isQualified() ? " to " + e.targets() : ""))
                                .toList()))
            .orElse("layer class path"));
    for (SocketSource source : ServiceLoader.load(SocketSource.class)) {
      Optional<Throwable> cause = source.unavailabilityCause();
      String state =
          cause.isPresent()
              ? "unavailable " + cause.get()
              : "available " + source.listeningSockets(EnumSet.allOf(Protocol.class)).size();
      System.out.println(
          "source " + source.name() + " " + source.getClass().getModule().getName() + " " + state);
    }
  }
}
