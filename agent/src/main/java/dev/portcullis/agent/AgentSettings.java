package dev.portcullis.agent;

import dev.portcullis.core.config.IsolatorConfig;

/**
 * The agent's flags, validated.
 *
 * @param isolatesPorts whether {@code --isolation} contains {@value RunSettings#PORTS_ISOLATOR}:
 *     scan and enforce
 * @param linuxLauncher whether tasks get cgroups of their own ({@code --launcher=linux}) rather
 *     than running as plain children ({@code posix})
 * @param config the isolator's configuration; also the settings the providers are selected with
 * @param users which user each task runs as ({@code --switch_user})
 */
record AgentSettings(
    boolean isolatesPorts, boolean linuxLauncher, IsolatorConfig config, TaskUsers users) {}
