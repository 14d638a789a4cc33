/**
 * A {@link dev.portcullis.api.ProcessTracker} over the unified (v2) cgroup hierarchy, found with
 * {@link java.util.ServiceLoader} under the name {@code cgroups-v2}. It reports each container's
 * cgroup ids. Its package is not exported: the tracker is used only through the service interface.
 */
@SuppressWarnings("module") // the name ends in a digit by design: it names the cgroup version
module dev.portcullis.cgroups.v2 {
  requires dev.portcullis.api;
  requires dev.portcullis.linux;
  requires org.slf4j;
  requires static com.google.auto.service;

  provides dev.portcullis.api.ProcessTracker with
      dev.portcullis.cgroups.v2.UnifiedProcessTracker;
}
