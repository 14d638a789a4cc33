/**
 * The Portcullis testkit: an in-memory host ({@link dev.portcullis.testkit.HostModel}), fake
 * providers over it, jqwik arbitraries for ports, allocations and whole host states (registered as
 * an {@code ArbitraryProvider}, so a property can simply ask for them), and a harness that drives
 * the isolator scan by scan and records what happens.
 */
module dev.portcullis.testkit {
  requires transitive dev.portcullis.api;
  requires transitive dev.portcullis.core;
  requires transitive net.jqwik.api;
  requires org.slf4j;
  requires static com.google.auto.service;

  exports dev.portcullis.testkit;

  provides net.jqwik.api.providers.ArbitraryProvider with
      dev.portcullis.testkit.PortcullisArbitraryProvider;
}
