package dev.portcullis.core;

import dev.portcullis.api.ContainerId;
import dev.portcullis.api.ContainerLimitation;
import dev.portcullis.api.PortRanges;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The isolator's mutable record of one container; guarded by the isolator's lock. */
final class TrackedContainer {

  private final ContainerId id;
  private final boolean ignored;
  private final CompletableFuture<ContainerLimitation> limitation = new CompletableFuture<>();
  private Optional<PortRanges> allocation;

  /** Bumped by every update, so a scan can tell that it judged against a stale allocation. */
  private long generation;

  TrackedContainer(ContainerId id, boolean ignored, Optional<PortRanges> allocation) {
    this.id = id;
    this.ignored = ignored;
    this.allocation = allocation;
  }

  ContainerId id() {
    return id;
  }

  boolean ignored() {
    return ignored;
  }

  CompletableFuture<ContainerLimitation> limitation() {
    return limitation;
  }

  boolean isLimited() {
    return limitation.isDone();
  }

  void allocate(PortRanges ports) {
    allocation = Optional.of(ports);
    generation++;
  }

  /** A frozen copy for a scan to work on without the lock. */
  ContainerView view() {
    return new ContainerView(id, ignored, allocation, isLimited(), generation);
  }
}
