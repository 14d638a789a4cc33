/**
 * Test support for the Linux providers: a JUnit condition for tests that need root on Linux (a skip
 * that fails under {@code PORTCULLIS_REQUIRE_LINUX=1}), real listener processes, free ports,
 * scratch cgroup roots that are removed with everything in them, and a minimal busybox root
 * filesystem for OCI containers.
 */
module dev.portcullis.testkit.linux {
  requires transitive dev.portcullis.api;
  requires dev.portcullis.linux;
  requires transitive org.junit.jupiter.api;

  exports dev.portcullis.testkit.linux;

  opens dev.portcullis.testkit.linux to
      org.junit.platform.commons;
}
