package dev.portcullis.integration;

import dev.portcullis.api.ContainerConfig;
import dev.portcullis.api.ContainerId;
import dev.portcullis.api.PortRanges;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.api.SocketSource;
import dev.portcullis.core.PortsIsolator;
import dev.portcullis.core.ScanReport;
import dev.portcullis.core.config.IsolatorConfig;
import dev.portcullis.core.providers.ProviderLoader;
import dev.portcullis.core.providers.ProviderSelector;
import dev.portcullis.testkit.linux.Listener;
import dev.portcullis.testkit.linux.ScratchCgroups;
import dev.portcullis.testkit.linux.TestProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An isolator on the live kernel with real providers, chosen by name, over a scratch cgroup root
 * that is removed with every process in it on {@link #close()}.
 */
final class RealHost implements AutoCloseable {

  final ScratchCgroups scratch = new ScratchCgroups();
  final SocketSource source;
  final ProcessTracker tracker;
  final PortsIsolator isolator;
  private final List<Listener> listeners = new ArrayList<>();

  RealHost(Stack stack, Map<String, String> extraFlags) {
    Map<String, String> flags = new HashMap<>(extraFlags);
    flags.put(IsolatorConfig.SOCKET_SOURCE, stack.source());
    flags.put(IsolatorConfig.PROCESS_TRACKER, stack.tracker());
    flags.put("cgroups_root", scratch.name());
    IsolatorConfig config = IsolatorConfig.fromFlags(flags);
    ProviderSettings settings = config.providerSettings();
    ProviderLoader loader = ProviderLoader.serviceLoader();
    try {
      source =
          ProviderSelector.select(SocketSource.class, Optional.of(stack.source()), settings, loader)
              .provider();
      tracker =
          ProviderSelector.select(
                  ProcessTracker.class, Optional.of(stack.tracker()), settings, loader)
              .provider();
      isolator =
          PortsIsolator.builder()
              .config(config)
              .socketSource(source)
              .processTracker(tracker)
              .selectProviders(loader)
              .scheduler((scan, initialDelay, delay) -> () -> {})
              .build();
    } catch (RuntimeException e) {
      scratch.close();
      throw e;
    }
  }

  /** Creates the container's cgroup and prepares it with its allocation. */
  ContainerId container(ContainerId id, PortRanges allocation) {
    try {
      tracker.create(id);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    isolator.prepare(id, ContainerConfig.withPorts(allocation));
    return id;
  }

  /** Starts a listener inside the container, so that its sockets are created there. */
  Listener listenIn(ContainerId id, Listener.Builder listener) {
    try {
      Listener ready = TestProcesses.startIn(tracker, id, listener);
      listeners.add(ready);
      return ready;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start a listener in " + id, e);
    }
  }

  /** Starts a listener outside every container. */
  Listener listenOutside(Listener.Builder listener) {
    Listener ready = listener.start();
    listeners.add(ready);
    return ready;
  }

  ScanReport scan() {
    return isolator.reconcileOnce();
  }

  @Override
  public void close() {
    try {
      listeners.forEach(Listener::close);
      isolator.close();
    } finally {
      scratch.close();
    }
  }

  /** A socket source and a process tracker, by provider name. */
  record Stack(String source, String tracker) {
    boolean fastPath() {
      return source.equals("netlink") && tracker.equals("cgroups-v2");
    }

    @Override
    public String toString() {
      return source + " + " + tracker;
    }
  }

  static List<Stack> stacks() {
    List<Stack> stacks = new ArrayList<>();
    for (String tracker : List.of("cgroups-v2", "cgroups-v1")) {
      for (String source : List.of("netlink", "procfs")) {
        stacks.add(new Stack(source, tracker));
      }
    }
    return stacks;
  }
}
