/**
 * The reference agent, run with {@code bin/portcullis}: {@code run} launches a task into its own
 * cgroup under port enforcement and reports its status updates as JSON lines; {@code scan} shows
 * every listening socket with the container and processes behind it; {@code listen} holds ports
 * open for demonstrations and tests; {@code providers} lists every provider it finds; {@code agent}
 * is the daemon, driven by the client commands.
 *
 * <p>The providers are not required here: module resolution binds every provider module on the
 * module path, because core {@code uses} the SPIs. Extension modules ({@code --modules_dir}) are
 * defined in a layer above this one.
 */
module dev.portcullis.agent {
  requires dev.portcullis.api;
  requires dev.portcullis.core;
  // Task shells are spawned without a JDK reaper thread each.
  requires dev.portcullis.spawn;
  requires info.picocli;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;
  // The agent daemon serves its API with the JDK's server; the client commands call it.
  requires jdk.httpserver;
  requires java.net.http;
  // sun.misc.Signal, reached by SignalHandlers: SIGTERM and SIGINT must kill the task and remove
  // its cgroup, then exit 1.
  requires jdk.unsupported;

  // The extension check constructs each provider of the extension modules before start-up.
  uses dev.portcullis.api.SocketSource;
  uses dev.portcullis.api.ProcessTracker;
  uses dev.portcullis.api.EnforcementPolicy;
  uses dev.portcullis.api.PortGuard;

  // picocli sets the annotated option fields reflectively.
  opens dev.portcullis.agent to
      info.picocli;
  opens dev.portcullis.agent.cli to
      info.picocli;
  opens dev.portcullis.agent.run to
      info.picocli;
  opens dev.portcullis.agent.sockets to
      info.picocli;
  opens dev.portcullis.agent.providers to
      info.picocli;
  opens dev.portcullis.agent.daemon to
      info.picocli;
  opens dev.portcullis.agent.client to
      info.picocli;
}
