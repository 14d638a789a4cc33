/**
 * A {@link dev.portcullis.api.ProcessTracker} over the cgroup v1 freezer hierarchy, found with
 * {@link java.util.ServiceLoader} under the name {@code cgroups-v1}. Its package is not exported:
 * the tracker is used only through the service interface.
 */
@SuppressWarnings("module") // the name ends in a digit by design: it names the cgroup version
module dev.portcullis.cgroups.v1 {
  requires dev.portcullis.api;
  requires dev.portcullis.linux;
  requires org.slf4j;
  requires static com.google.auto.service;

  provides dev.portcullis.api.ProcessTracker with
      dev.portcullis.cgroups.v1.FreezerProcessTracker;
}
