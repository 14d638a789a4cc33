package dev.portcullis.agent.cli;

import dev.portcullis.agent.host.TaskUsers;
import dev.portcullis.core.config.IsolatorConfig;
import dev.portcullis.core.providers.ProviderLoader;

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
 */
public record AgentSettings(
    boolean isolatesPorts,
    boolean linuxLauncher,
    IsolatorConfig config,
    ProviderLoader providers,
    TaskUsers users) {

  /** The Mesos isolator this agent provides. */
  public static final String PORTS_ISOLATOR = "network/ports";
}
