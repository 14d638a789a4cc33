/**
 * The Portcullis core: the isolator lifecycle and its reconciler ({@code dev.portcullis.core}), the
 * configuration and the flag, range and resource formats it is written in ({@code
 * dev.portcullis.core.config}), provider selection ({@code dev.portcullis.core.providers}) and the
 * built-in enforcement policies ({@code dev.portcullis.core.policy}).
 *
 * <p>Only what embedders use is exported. The Mesos duration format ({@code
 * dev.portcullis.core.format}) is core's own.
 */
module dev.portcullis.core {
  requires transitive dev.portcullis.api;
  requires org.slf4j;
  requires static com.google.auto.service;
  requires static org.immutables.value.annotations;

  exports dev.portcullis.core;
  exports dev.portcullis.core.config;
  exports dev.portcullis.core.providers;
  exports dev.portcullis.core.policy;

  uses dev.portcullis.api.SocketSource;
  uses dev.portcullis.api.ProcessTracker;
  uses dev.portcullis.api.EnforcementPolicy;
  uses dev.portcullis.api.PortGuard;

  provides dev.portcullis.api.EnforcementPolicy with
      dev.portcullis.core.policy.MesosPolicy,
      dev.portcullis.core.policy.GracePolicy;
}
