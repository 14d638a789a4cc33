package dev.portcullis.agent.sockets;

import dev.portcullis.agent.cli.HostFlags;
import dev.portcullis.agent.cli.HostProviders;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.SocketSource;
import dev.portcullis.core.config.IsolatorConfig;
import dev.portcullis.core.providers.ProviderLoader;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis scan}: one look at the host now. Every listening socket (TCP, and UDP when
 * asked) with the container that owns it and the processes that hold it: {@code ss -ltnp}, but
 * aware of the containers' cgroups. It needs no running task and changes nothing, except that the
 * process tracker creates its {@code cgroups_root} if missing, as it always does.
 *
 * <p>Standard output carries only the table or the JSON document; logs go to standard error.
 */
@Command(
    name = "scan",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Shows every listening socket on this host with the container (cgroup) that owns it and"
          + " the processes that hold it: ss -ltnp, but aware of the containers' cgroups.",
      "Sockets held by no container show '-'. Needs no running task."
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:the host was scanned",
      "1:the socket snapshot, or the containers' cgroups, could not be read",
      "2:a bad flag, an extension module that cannot be loaded, or no usable socket source or"
          + " process tracker"
    })
public final class ScanCommand implements Callable<Integer> {

  /** Exit status when the host could not be scanned. */
  static final int SCAN_FAILED = 1;

  @Spec CommandSpec spec;

  @Option(
      names = "--format",
      paramLabel = "table|json",
      defaultValue = "table",
      converter = FormatConverter.class,
      description =
          "table: aligned columns, for people; json: one JSON document {\"sockets\":[...]}, for"
              + " scripts. Default: ${DEFAULT-VALUE}.")
  ScanFormat format;

  @Mixin HostFlags host;

  @Override
  public Integer call() {
    IsolatorConfig config = host.config();
    ProviderLoader providers = host.extensions().loader();
    SocketSource source = HostProviders.one(SocketSource.class, config, providers);
    // After the source: the tracker's probe creates the cgroups root.
    ProcessTracker tracker = HostProviders.one(ProcessTracker.class, config, providers);
    List<ScannedSocket> sockets;
    try {
      sockets = SocketScan.ofHost(source, tracker).scan(config.protocols());
    } catch (SocketScan.ScanFailedException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(spec.name() + ": " + e.getMessage());
      err.flush();
      return SCAN_FAILED;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(format.format(sockets));
    out.flush();
    return 0;
  }

  /** Reads {@code --format}, naming the values it accepts when it refuses one. */
  static final class FormatConverter implements CommandLine.ITypeConverter<ScanFormat> {
    @Override
    public ScanFormat convert(String value) {
      try {
        return ScanFormat.ofFlag(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
