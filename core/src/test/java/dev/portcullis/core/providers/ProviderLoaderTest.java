package dev.portcullis.core.providers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.EnforcementPolicy;
import dev.portcullis.api.ProcessTracker;
import dev.portcullis.api.Provider;
import dev.portcullis.api.SocketSource;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProviderLoaderTest {

  private static List<Provider> instances(List<? extends LoadedProvider<?>> found) {
    return found.stream().map(loaded -> (Provider) loaded.provider().orElseThrow()).toList();
  }

  @Test
  void givenProvidersAreReturnedByKindInTheOrderGiven() {
    FakeSocketSource netlink = FakeSocketSource.named("netlink");
    FakePolicy mesos = new FakePolicy("mesos");
    FakeSocketSource proc = FakeSocketSource.named("proc");
    ProviderLoader loader = ProviderLoader.of(netlink, mesos, proc);

    assertEquals(List.of(netlink, proc), instances(loader.load(SocketSource.class)));
    assertEquals(List.of(mesos), instances(loader.load(EnforcementPolicy.class)));
    assertTrue(loader.load(ProcessTracker.class).isEmpty());
  }

  @Test
  void givenProvidersMayNotBeNull() {
    assertThrows(
        NullPointerException.class, () -> ProviderLoader.of(FakeSocketSource.named("a"), null));
  }

  @Test
  void concatenatedLoadersKeepTheirOrderAndSayWhereBothLooked() {
    FakeSocketSource first = FakeSocketSource.named("first");
    FakeSocketSource second = FakeSocketSource.named("second");
    ProviderLoader loader =
        ProviderLoader.concat(ProviderLoader.of(first), ProviderLoader.of(List.of(second)));

    assertEquals(List.of(first, second), instances(loader.load(SocketSource.class)));
    assertEquals(
        "among the 1 providers handed in, nor among the 1 providers handed in", loader.where());
  }

  @Test
  void theServiceLoaderSaysItLooksOnThePaths() {
    assertEquals("on the module path or class path", ProviderLoader.serviceLoader().where());
  }

  @Test
  void aLoadedProviderIsEitherAnInstanceOrAFailure() {
    FakeSocketSource source = FakeSocketSource.named("a");
    LoadedProvider<SocketSource> loaded = LoadedProvider.of(source);
    LoadedProvider<SocketSource> failed =
        LoadedProvider.failed("com.example.Gone", new NoClassDefFoundError("com/example/Gone"));

    assertEquals(FakeSocketSource.class.getName(), loaded.description());
    assertTrue(loaded.failure().isEmpty());
    assertTrue(failed.provider().isEmpty());
    assertEquals(
        "com.example.Gone: failed to load: NoClassDefFoundError: com/example/Gone",
        failed.toString());
    assertThrows(
        IllegalArgumentException.class, () -> LoadedProvider.failed(" ", new LinkageError()));
  }
}
