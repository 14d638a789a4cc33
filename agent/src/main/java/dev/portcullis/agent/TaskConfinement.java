package dev.portcullis.agent;

import java.io.IOException;

/**
 * Where a task's processes are kept, so that all of them can be found and killed: a cgroup with the
 * Linux launcher, the task's process tree with the POSIX one.
 */
interface TaskConfinement {

  /** Makes the place for the task; nothing runs yet. */
  void create() throws IOException;

  /** Puts the task's first process there; its future children follow it. */
  void place(long pid) throws IOException;

  /** Kills every process of the task and returns once they are gone. */
  void killAll() throws IOException;

  /** Removes what {@link #create()} made; every process must be gone. */
  void remove() throws IOException;

  /** What the task is confined in, for the log. */
  String describe();
}
