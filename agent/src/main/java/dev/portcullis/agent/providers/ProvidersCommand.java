package dev.portcullis.agent.providers;

import dev.portcullis.agent.cli.HostFlags;
import dev.portcullis.agent.cli.ProviderNameFlags;
import dev.portcullis.agent.extensions.Extensions;
import dev.portcullis.core.config.IsolatorConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis providers}: every provider the agent can find, built in or from {@code
 * --modules_dir}, by kind, with where it comes from, whether it works here and why not, and which
 * one {@code run} and {@code agent} would select with the flags given. It selects through core, as
 * they do, and changes nothing on the host but what the providers' probes do.
 *
 * <p>Standard output carries only the table or the JSON document; logs go to standard error.
 */
@Command(
    name = "providers",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Lists every socket source, enforcement policy, process tracker and port guard the agent"
          + " finds, built in or in --modules_dir: its name, order, module and jar, whether it is"
          + " available here and why not, and which one run and agent would select with these"
          + " flags (or why none can be).",
      "Every provider is initialized and probed as at start-up: the process tracker's probe"
          + " creates --cgroups_root if it is missing, and the bpf guard's probe installs a guard"
          + " on a scratch cgroup under it, then removes both guard and cgroup."
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:listed, and run and agent could select every provider they need with these flags",
      "1:listed, but a kind they need has no provider to select with these flags",
      "2:a bad flag, or an extension module that cannot be loaded"
    })
public final class ProvidersCommand implements Callable<Integer> {

  /** Exit status when the agent could not start with the flags given. */
  static final int NOT_STARTABLE = 1;

  @Spec CommandSpec spec;

  @Option(
      names = "--format",
      paramLabel = "table|json",
      defaultValue = "table",
      converter = FormatConverter.class,
      description =
          "table: aligned columns, for people; json: one JSON document"
              + " {\"modules_dir\":...,\"startable\":...,\"kinds\":[...]}, for scripts. Default:"
              + " ${DEFAULT-VALUE}.")
  ListingFormat format;

  @Mixin HostFlags host;

  @Mixin ProviderNameFlags names;

  @Override
  public Integer call() {
    IsolatorConfig config = host.config(names);
    Extensions extensions = host.extensions();
    ProviderListing listing = ProviderListing.of(config, extensions);
    PrintWriter out = spec.commandLine().getOut();
    out.print(format.format(listing));
    out.flush();
    return listing.startable() ? 0 : NOT_STARTABLE;
  }

  /** Reads {@code --format}, naming the values it accepts when it refuses one. */
  static final class FormatConverter implements CommandLine.ITypeConverter<ListingFormat> {
    @Override
    public ListingFormat convert(String value) {
      try {
        return ListingFormat.ofFlag(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
