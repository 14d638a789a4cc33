package dev.portcullis.agent.executor;

import dev.portcullis.api.ContainerId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A {@link Journal} that keeps every save, with what else was true at that moment (the containers
 * the host held, how many updates had been published), and can be made to fail.
 */
final class RecordingJournal implements Journal {

  /**
   * One save.
   *
   * @param executors what was saved
   * @param containers the containers under the tracker's root at that moment
   * @param updatesPublished how many status updates had been published by then
   * @param scansRun how many scans had run by then
   */
  record Save(
      List<ExecutorRecord> executors,
      Set<ContainerId> containers,
      int updatesPublished,
      int scansRun) {}

  private final Supplier<Set<ContainerId>> containers;
  private final RecordingSink sink;
  private final RecordingObserver observer;
  private final List<Save> saves = new ArrayList<>();
  private IOException nextFailure;

  private final Crashes crashes;

  RecordingJournal(
      Supplier<Set<ContainerId>> containers,
      RecordingSink sink,
      RecordingObserver observer,
      Crashes crashes) {
    this.crashes = crashes;
    this.containers = containers;
    this.sink = sink;
    this.observer = observer;
  }

  /** Makes the next save fail with {@code failure}, recording nothing. */
  void failNext(IOException failure) {
    this.nextFailure = failure;
  }

  @Override
  public void save(List<ExecutorRecord> executors) throws IOException {
    crashes.step("saving the journal");
    IOException failure = nextFailure;
    if (failure != null) {
      nextFailure = null;
      throw failure;
    }
    saves.add(
        new Save(
            List.copyOf(executors),
            Set.copyOf(containers.get()),
            sink.size(),
            observer.scans().size()));
  }

  List<Save> saves() {
    return List.copyOf(saves);
  }

  /** What the last save recorded, as a checkpoint would hand it to the next agent. */
  Optional<List<ExecutorRecord>> last() {
    return saves.isEmpty()
        ? Optional.empty()
        : Optional.of(saves.get(saves.size() - 1).executors());
  }
}
