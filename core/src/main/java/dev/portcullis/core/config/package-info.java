/**
 * The isolator's configuration and the Mesos value formats it is written in.
 *
 * <p>{@link dev.portcullis.core.config.IsolatorConfig} holds the flags, built from a flag map or a
 * builder; {@link dev.portcullis.core.config.AgentResources} reads the agent's {@code --resources}
 * (text or JSON); {@link dev.portcullis.core.config.Durations} reads and prints Mesos durations.
 * Bad input fails with an {@link java.lang.IllegalArgumentException} whose message quotes it:
 * {@link dev.portcullis.core.config.FlagException} names the flag, {@link
 * dev.portcullis.core.config.ResourcesFormatException} the resource entry.
 *
 * <p>Unless a method says otherwise, arguments and results are never null.
 *
 * @since 0.1
 */
package dev.portcullis.core.config;
