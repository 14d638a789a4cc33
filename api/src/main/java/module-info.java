/**
 * The Portcullis contract: value types (ports, containers, sockets, violations, limitations) and
 * the service provider interfaces ({@link dev.portcullis.api.SocketSource}, {@link
 * dev.portcullis.api.ProcessTracker}, {@link dev.portcullis.api.EnforcementPolicy}, {@link
 * dev.portcullis.api.PortGuard}).
 *
 * <p>This module has no run-time dependencies: the annotation-only dependency is {@code static}.
 */
module dev.portcullis.api {
  requires static org.immutables.value.annotations;

  exports dev.portcullis.api;
}
