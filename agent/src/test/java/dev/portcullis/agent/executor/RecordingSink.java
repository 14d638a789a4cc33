package dev.portcullis.agent.executor;

import java.util.ArrayList;
import java.util.List;

/** A {@link StatusSink} that keeps every update, in order. */
final class RecordingSink implements StatusSink {

  private final List<TaskStatus> updates = new ArrayList<>();
  private final Crashes crashes;

  RecordingSink(Crashes crashes) {
    this.crashes = crashes;
  }

  @Override
  public void publish(TaskStatus update) {
    crashes.step("publishing " + update);
    updates.add(update);
  }

  /** Every update so far. */
  List<TaskStatus> updates() {
    return List.copyOf(updates);
  }

  /** The updates after the first {@code mark}, as {@link #size()} returned it. */
  List<TaskStatus> since(int mark) {
    return List.copyOf(updates.subList(mark, updates.size()));
  }

  /** One task's updates. */
  List<TaskStatus> of(String taskId) {
    return updates.stream().filter(update -> update.taskId().equals(taskId)).toList();
  }

  int size() {
    return updates.size();
  }
}
