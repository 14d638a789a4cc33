package dev.portcullis.agent.daemon;

import dev.portcullis.agent.checkpoint.CheckpointJournal;
import dev.portcullis.agent.executor.ExecutorRecord;
import dev.portcullis.agent.executor.Journal;
import dev.portcullis.agent.updates.UpdateLog;
import java.io.IOException;
import java.util.List;

/**
 * The checkpoint, telling the update log what each save reflects: every update numbered before it,
 * since the core makes both on its one thread. Only then may the log forget acknowledged updates,
 * so that recovery can always tell what was reported since the checkpoint it reads.
 */
final class LoggedJournal implements Journal {

  private final CheckpointJournal checkpoint;
  private final UpdateLog log;

  LoggedJournal(CheckpointJournal checkpoint, UpdateLog log) {
    this.checkpoint = checkpoint;
    this.log = log;
  }

  @Override
  public void save(List<ExecutorRecord> executors) throws IOException {
    long reflected = log.lastSequence();
    checkpoint.save(executors);
    log.reflectedUpTo(reflected);
  }
}
