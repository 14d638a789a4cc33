/**
 * The isolator's configuration and the Mesos value formats it is written in.
 *
 * <p>{@link dev.portcullis.core.config.IsolatorConfig} holds the flags, built from a flag map or
 * typed values through one {@link dev.portcullis.core.config.IsolatorConfigBuilder}: each flag's
 * text has one parser, and each rule on a value is checked once, however the value was given.
 * {@link dev.portcullis.core.config.AgentResources} reads the agent's {@code --resources} (text or
 * JSON, or JSON another library has already read). Bad input fails with an {@link
 * java.lang.IllegalArgumentException} whose message quotes it: {@link
 * dev.portcullis.core.config.FlagException} names the flag, {@link
 * dev.portcullis.core.config.ResourcesFormatException} the resource entry.
 *
 * <p>Unless a method says otherwise, arguments and results are never null.
 *
 * @since 0.1
 */
package dev.portcullis.core.config;
