/**
 * Linux plumbing that more than one provider needs: the mount table ({@code /proc/self/mountinfo})
 * and the socket descriptors of a process ({@code /proc/<pid>/fd}). Exported only to the provider
 * modules and their test support; not a public API.
 */
@SuppressWarnings("module") // the modules it is exported to are built after it
module dev.portcullis.linux {
  requires dev.portcullis.api;
  requires org.slf4j;

  exports dev.portcullis.linux to
      dev.portcullis.netlink,
      dev.portcullis.bpf,
      dev.portcullis.cgroups.v1,
      dev.portcullis.cgroups.v2,
      dev.portcullis.testkit.linux;
}
