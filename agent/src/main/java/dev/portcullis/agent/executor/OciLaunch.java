package dev.portcullis.agent.executor;

import dev.portcullis.agent.oci.OciBundle;
import dev.portcullis.agent.oci.OciContainer;
import dev.portcullis.agent.oci.OciRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How both launchers start a task that names an OCI container: its bundle is written, and its
 * supervising shell runs the runtime instead of the command, so that holding, placing, recording
 * the exit status and recovery are a host task's.
 */
final class OciLaunch {

  private final Optional<OciRuntime> runtime;

  /**
   * @param runtime the agent's OCI runtime, if it has one
   */
  OciLaunch(Optional<OciRuntime> runtime) {
    this.runtime = runtime;
  }

  /**
   * The argv the task's shell runs: the runtime on the task's bundle, written now into {@code
   * bundle}, which must exist.
   *
   * @param task the task, which names a container
   * @param bundle the bundle's directory
   * @param agentEnv the agent's variables for the task, with the sandbox as the container sees it
   * @param sandbox the task's sandbox on the host, mounted into the container
   * @param cgroup the task's cgroup, from its hierarchy's root
   * @throws IOException if the agent has no runtime or no cgroup path, or the bundle cannot be
   *     written
   */
  List<String> command(
      TaskRecord task,
      Path bundle,
      Map<String, String> agentEnv,
      Path sandbox,
      Optional<String> cgroup)
      throws IOException {
    OciContainer container = task.oci().orElseThrow();
    OciRuntime oci =
        runtime.orElseThrow(
            () ->
                new IOException(
                    "task "
                        + task.taskId()
                        + " runs in an OCI container, and this agent has no OCI runtime"));
    String cgroupsPath =
        cgroup.orElseThrow(
            () ->
                new IOException(
                    "the process tracker names no cgroup path for container "
                        + task.container()
                        + ", which an OCI container needs"));
    OciBundle.write(bundle, container, task.command(), task.user(), agentEnv, sandbox, cgroupsPath);
    return oci.runCommand(bundle, task.container().toString());
  }

  /**
   * Deletes what the runtime keeps for the container and those nested in it, whose processes are
   * gone; a failure is logged by the caller.
   *
   * @throws IOException if the runtime could not delete one
   */
  void released(String container) throws IOException {
    if (runtime.isPresent()) {
      runtime.get().deleteWithin(container);
    }
  }
}
