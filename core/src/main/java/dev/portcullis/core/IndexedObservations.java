package dev.portcullis.core;

import dev.portcullis.api.ContainerId;
import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;

/**
 * A scan's observations, unmodifiable, in their order, and found by container in constant time: an
 * agent asks a report for every one of its thousands of containers after each scan, and a search of
 * the list made that quadratic.
 */
final class IndexedObservations extends AbstractList<ContainerObservation> implements RandomAccess {

  private final List<ContainerObservation> observations;
  private final Map<ContainerId, ContainerObservation> byContainer;

  private IndexedObservations(List<ContainerObservation> observations) {
    this.observations = observations;
    this.byContainer = new HashMap<>(observations.size() * 2);
    for (ContainerObservation observation : observations) {
      byContainer.putIfAbsent(observation.container(), observation);
    }
  }

  /** The observations, copied; an indexed list is kept as it is. */
  static IndexedObservations of(List<ContainerObservation> observations) {
    if (observations instanceof IndexedObservations indexed) {
      return indexed;
    }
    return new IndexedObservations(List.copyOf(observations));
  }

  /** The first observation of the container, if there is one. */
  Optional<ContainerObservation> find(ContainerId container) {
    return Optional.ofNullable(byContainer.get(container));
  }

  @Override
  public ContainerObservation get(int index) {
    return observations.get(index);
  }

  @Override
  public int size() {
    return observations.size();
  }
}
