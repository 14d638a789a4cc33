package dev.portcullis.agent.cli;

import dev.portcullis.agent.Main;
import dev.portcullis.agent.extensions.ExtensionException;
import dev.portcullis.agent.extensions.Extensions;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.core.config.FlagException;
import dev.portcullis.core.config.IsolatorConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The flags that say which providers to use, where more of them are ({@code --modules_dir}), what
 * they are told ({@code --provider_setting}) and where the containers' cgroups are, shared by every
 * command that selects providers ({@code run}, {@code agent}, {@code scan}, {@code providers}): one
 * declaration, one help text, one way into the configuration. The values go on as given: provider
 * names to core's parser, cgroup and provider settings to the providers, which read them.
 */
public final class HostFlags {

  private static final String CGROUPS_HIERARCHY = "cgroups_hierarchy";
  private static final String MODULES_DIR = "modules_dir";

  @Option(
      names = "--" + MODULES_DIR,
      paramLabel = "DIR",
      description =
          "A directory of extension module jars: each is loaded as a module, above the agent's"
              + " own, and its providers (socket sources, process trackers, policies, port guards)"
              + " are selected like the built-in ones. A jar that is not a module, clashes, cannot"
              + " be resolved or whose provider fails when constructed is a start-up error."
              + " Default: none.")
  Path modulesDir;

  @Option(
      names = "--" + ProviderSetting.FLAG,
      paramLabel = "NAME=VALUE",
      converter = ProviderSetting.Converter.class,
      description =
          "A setting for the providers that read it, such as an extension policy's parameters;"
              + " repeatable. NAME must not be one of the agent's flags, and each NAME is given"
              + " once. Default: none.")
  List<ProviderSetting> providerSettings = new ArrayList<>();

  @Option(
      names = "--" + IsolatorConfig.SOCKET_SOURCE,
      paramLabel = "NAME",
      description =
          "The socket source: netlink or procfs. Default: the system property"
              + " portcullis.socket_source, else the best available.")
  String socketSource;

  @Option(
      names = "--" + IsolatorConfig.PROCESS_TRACKER,
      paramLabel = "NAME",
      description =
          "The process tracker, which finds the containers: cgroups-v2 or cgroups-v1. Default:"
              + " the system property portcullis.process_tracker, else the best available.")
  String processTracker;

  @Option(
      names = "--" + CGROUPS_HIERARCHY,
      paramLabel = "DIR",
      description =
          "The base directory where the cgroup hierarchies are mounted. Default: found in the"
              + " mount table.")
  String cgroupsHierarchy;

  /** Always given to the providers, so that the daemon's checkpoint can record the root used. */
  @Option(
      names = "--" + ProcessTracker.CGROUPS_ROOT_SETTING,
      paramLabel = "PATH",
      defaultValue = ProcessTracker.DEFAULT_CGROUPS_ROOT,
      description =
          "The cgroup, relative to each hierarchy, under which the containers live."
              + " Default: ${DEFAULT-VALUE}.")
  String cgroupsRoot;

  /** Typed, unlike the others: only picocli sees the Mesos forms --name and --no-name. */
  @Option(
      names = "--" + IsolatorConfig.CONTAINER_PORTS_INCLUDE_UDP,
      negatable = true,
      arity = "0..1",
      fallbackValue = "true",
      defaultValue = "false",
      paramLabel = "true|false",
      description =
          "Include bound UDP sockets, not only listening TCP ones. Default: ${DEFAULT-VALUE}.")
  boolean includeUdp;

  /**
   * Puts the flags given, but for {@link #includeUdp} and {@link #modulesDir}, by their names
   * without {@code --}, into {@code flags}, with every {@code --provider_setting}.
   *
   * @throws FlagException if a provider setting is named as one of the agent's flags, or twice
   */
  void putInto(Map<String, String> flags) {
    putProviderSettings(flags);
    flags.put(ProcessTracker.CGROUPS_ROOT_SETTING, cgroupsRoot);
    putIfGiven(flags, IsolatorConfig.SOCKET_SOURCE, socketSource);
    putIfGiven(flags, IsolatorConfig.PROCESS_TRACKER, processTracker);
    putIfGiven(flags, CGROUPS_HIERARCHY, cgroupsHierarchy);
  }

  private void putProviderSettings(Map<String, String> flags) {
    if (providerSettings.isEmpty()) {
      // Naming every flag builds every command, a good part of a short command's start.
      return;
    }
    List<String> agentFlags = agentFlagNames();
    Map<String, ProviderSetting> given = new HashMap<>();
    for (ProviderSetting setting : providerSettings) {
      if (agentFlags.contains(setting.name())) {
        throw FlagException.invalidValue(
            ProviderSetting.FLAG,
            setting.toString(),
            setting.name()
                + " is a flag of the agent's (--"
                + setting.name()
                + "): give it as that flag, or name the setting otherwise");
      }
      ProviderSetting first = given.putIfAbsent(setting.name(), setting);
      if (first != null) {
        throw FlagException.invalidValue(
            ProviderSetting.FLAG,
            setting.toString(),
            setting.name()
                + " is already set by --"
                + ProviderSetting.FLAG
                + "="
                + first
                + "; give each setting once");
      }
      flags.put(setting.name(), setting.value());
    }
  }

  /**
   * The names, without dashes, of every flag of every portcullis command: a provider setting must
   * not pass for one of them, nor be read by a provider that reads the flag.
   */
  private List<String> agentFlagNames() {
    List<String> names = new ArrayList<>();
    // Every command's, not only those of the command line being run, which builds only its own.
    List<CommandSpec> commands = new ArrayList<>(List.of(Main.everyCommand().getCommandSpec()));
    while (!commands.isEmpty()) {
      CommandSpec command = commands.remove(commands.size() - 1);
      for (OptionSpec option : command.options()) {
        for (String name : option.names()) {
          names.add(name.replaceFirst("^-+", ""));
        }
      }
      command.subcommands().values().forEach(sub -> commands.add(sub.getCommandSpec()));
    }
    return names;
  }

  /**
   * The providers to select from: the agent's own, and those of {@code --modules_dir} when given.
   * Each call loads the directory afresh and checks it whole.
   *
   * @throws StartupException naming the directory or the jar that cannot be loaded
   */
  public Extensions extensions() {
    if (modulesDir == null) {
      return Extensions.none();
    }
    try {
      return Extensions.load(modulesDir);
    } catch (ExtensionException e) {
      throw new StartupException(e.getMessage(), e);
    }
  }

  /** Puts a flag that was given; one that was not is left to its default. */
  static void putIfGiven(Map<String, String> flags, String name, String value) {
    if (value != null) {
      flags.put(name, value);
    }
  }

  /** The configuration these flags alone describe, for a command that enforces nothing. */
  public IsolatorConfig config() {
    return config(new TreeMap<>());
  }

  /**
   * The configuration these flags describe with the policy and the guard {@code names} name, for a
   * command that says what would be selected.
   */
  public IsolatorConfig config(ProviderNameFlags names) {
    Map<String, String> flags = new TreeMap<>();
    names.putInto(flags);
    return config(flags);
  }

  private IsolatorConfig config(Map<String, String> flags) {
    putInto(flags);
    return IsolatorConfig.builder().includeUdp(includeUdp).flags(flags).build();
  }
}
