package dev.portcullis.agent.executor;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many of each thing the core holds, for the gauges; every state is present, at 0 if need be.
 *
 * @param trackedContainers how many containers the isolator tracks
 * @param executorStates executors by state: {@code running}, {@code terminated}
 * @param taskStates tasks by state
 */
public record Census(
    int trackedContainers,
    Map<String, Integer> executorStates,
    Map<TaskState, Integer> taskStates) {

  /** Copies the maps, sorted. */
  public Census {
    executorStates = Collections.unmodifiableMap(new TreeMap<>(executorStates));
    taskStates = Collections.unmodifiableMap(new TreeMap<>(taskStates));
  }
}
