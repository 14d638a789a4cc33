package dev.portcullis.agent.cli;

import dev.portcullis.agent.host.TaskUsers;
import dev.portcullis.agent.oci.OciRuntime;
import dev.portcullis.core.config.IsolatorConfig;
import dev.portcullis.core.providers.ProviderLoader;
import java.util.Optional;

/**
 * The agent's flags, validated.
 *
 * @param isolatesPorts whether {@code --isolation} contains {@value #PORTS_ISOLATOR}: scan and
 *     enforce
 * @param linuxLauncher whether tasks get cgroups of their own ({@code --launcher=linux}) rather
 *     than running as plain children ({@code posix})
 * @param config the isolator's configuration; also the settings the providers are selected with
 * @param providers finds the providers to select from: the agent's own, and those of {@code
 *     --modules_dir}
 * @param users which user each task runs as ({@code --switch_user})
 * @param oci the OCI runtime that runs tasks naming a container ({@code --oci_runtime}), if the
 *     agent has one
 */
public record AgentSettings(
    boolean isolatesPorts,
    boolean linuxLauncher,
    IsolatorConfig config,
    ProviderLoader providers,
    TaskUsers users,
    Optional<OciRuntime> oci) {

  /** The Mesos isolator this agent provides. */
  public static final String PORTS_ISOLATOR = "network/ports";
}
