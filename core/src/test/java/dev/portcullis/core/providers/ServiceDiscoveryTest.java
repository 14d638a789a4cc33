package dev.portcullis.core.providers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.Provider;
import dev.portcullis.api.SocketSource;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ServiceLoader walk, driven through its iterator seam with lookups that fail the way
 * ServiceLoader's do, and once through a real ServiceLoader over a broken services file.
 */
class ServiceDiscoveryTest {

  /** A lookup as ServiceLoader yields it: the class, and a way to construct it. */
  private record Lookup(Class<? extends SocketSource> type, Supplier<SocketSource> constructor)
      implements ServiceLoader.Provider<SocketSource> {

    static Lookup of(Class<? extends SocketSource> type, Supplier<SocketSource> constructor) {
      return new Lookup(type, constructor);
    }

    @Override
    public SocketSource get() {
      return constructor.get();
    }
  }

  /** Yields each step in turn; a step that throws makes {@code next()} throw. */
  private static Iterator<ServiceLoader.Provider<SocketSource>> script(
      List<Supplier<ServiceLoader.Provider<SocketSource>>> steps) {
    Deque<Supplier<ServiceLoader.Provider<SocketSource>>> remaining = new ArrayDeque<>(steps);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return !remaining.isEmpty();
      }

      @Override
      public ServiceLoader.Provider<SocketSource> next() {
        return remaining.removeFirst().get();
      }
    };
  }

  private static Supplier<ServiceLoader.Provider<SocketSource>> found(FakeSocketSource source) {
    return () -> Lookup.of(FakeSocketSource.class, () -> source);
  }

  private static Supplier<ServiceLoader.Provider<SocketSource>> throwing(Error error) {
    return () -> {
      throw error;
    };
  }

  private static List<LoadedProvider<SocketSource>> walk(
      Iterator<ServiceLoader.Provider<SocketSource>> lookups) {
    return ServiceDiscovery.walk(SocketSource.class, lookups);
  }

  @Test
  void aConstructorThatThrowsFailsThatProviderOnlyAndIsNamed() {
    FakeSocketSource before = FakeSocketSource.named("before");
    FakeSocketSource after = FakeSocketSource.named("after");

    List<LoadedProvider<SocketSource>> found =
        walk(
            script(
                List.of(
                    found(before),
                    () ->
                        Lookup.of(
                            FakeSocketSource.Exploding.class, FakeSocketSource.Exploding::new),
                    found(after))));

    assertEquals(3, found.size());
    assertSame(before, found.get(0).provider().orElseThrow());
    assertEquals(FakeSocketSource.Exploding.class.getName(), found.get(1).description());
    assertEquals("no netlink in this kernel", found.get(1).failure().orElseThrow().getMessage());
    assertSame(after, found.get(2).provider().orElseThrow());
  }

  @Test
  void aClassThatCannotBeInitializedFailsEachTimeAndHidesNoOther() {
    Supplier<ServiceLoader.Provider<SocketSource>> broken =
        () -> Lookup.of(FakeSocketSource.BrokenStatic.class, FakeSocketSource.BrokenStatic::new);
    FakeSocketSource after = FakeSocketSource.named("after");

    List<LoadedProvider<SocketSource>> found = walk(script(List.of(broken, broken, found(after))));

    assertInstanceOf(ExceptionInInitializerError.class, found.get(0).failure().orElseThrow());
    assertInstanceOf(NoClassDefFoundError.class, found.get(1).failure().orElseThrow());
    assertEquals(FakeSocketSource.BrokenStatic.class.getName(), found.get(1).description());
    assertSame(after, found.get(2).provider().orElseThrow());
  }

  @Test
  void aLookupThatFailsBeforeTheClassIsKnownIsDescribedByKind() {
    ServiceConfigurationError notFound =
        new ServiceConfigurationError(
            "dev.portcullis.api.SocketSource: Provider com.example.Gone not found");
    FakeSocketSource after = FakeSocketSource.named("after");

    List<LoadedProvider<SocketSource>> found =
        walk(
            script(
                List.of(
                    throwing(notFound), throwing(new NoClassDefFoundError("x")), found(after))));

    assertEquals("a dev.portcullis.api.SocketSource provider", found.get(0).description());
    assertSame(notFound, found.get(0).failure().orElseThrow());
    assertInstanceOf(NoClassDefFoundError.class, found.get(1).failure().orElseThrow());
    assertTrue(found.get(2).isLoaded());
  }

  @Test
  void aTypeOrGetThatThrowsOrYieldsNullIsAFailure() {
    ServiceLoader.Provider<SocketSource> noType =
        new ServiceLoader.Provider<>() {
          @Override
          public Class<? extends SocketSource> type() {
            throw new TypeNotPresentException("com.example.Gone", null);
          }

          @Override
          public SocketSource get() {
            throw new AssertionError("not reached");
          }
        };
    Lookup nothing = Lookup.of(FakeSocketSource.class, () -> null);
    Lookup wrapped =
        Lookup.of(
            FakeSocketSource.class,
            () -> {
              throw new ServiceConfigurationError(
                  "Provider could not be instantiated", new IllegalStateException("boom"));
            });

    List<LoadedProvider<SocketSource>> found =
        walk(script(List.of(() -> noType, () -> nothing, () -> wrapped)));

    assertInstanceOf(TypeNotPresentException.class, found.get(0).failure().orElseThrow());
    assertTrue(found.get(1).failure().orElseThrow().getMessage().contains("looked up as null"));
    assertTrue(found.get(2).toString().endsWith("; caused by IllegalStateException: boom"));
  }

  @Test
  void aHasNextThatThrowsOnceDoesNotEndTheWalk() {
    FakeSocketSource after = FakeSocketSource.named("after");
    Iterator<ServiceLoader.Provider<SocketSource>> lookups =
        new Iterator<>() {
          private int calls;

          @Override
          public boolean hasNext() {
            calls++;
            if (calls == 1) {
              throw new ServiceConfigurationError("bad services file");
            }
            return calls == 2;
          }

          @Override
          public ServiceLoader.Provider<SocketSource> next() {
            return Lookup.of(FakeSocketSource.class, () -> after);
          }
        };

    List<LoadedProvider<SocketSource>> found = walk(lookups);

    assertEquals(2, found.size());
    assertEquals("bad services file", found.get(0).failure().orElseThrow().getMessage());
    assertSame(after, found.get(1).provider().orElseThrow());
  }

  @Test
  void anIteratorThatKeepsThrowingIsGivenUpOn() {
    int[] calls = new int[1];
    Iterator<ServiceLoader.Provider<SocketSource>> forever =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public ServiceLoader.Provider<SocketSource> next() {
            calls[0]++;
            throw new NoSuchElementException("stuck");
          }
        };

    List<LoadedProvider<SocketSource>> found = walk(forever);

    assertEquals(ServiceDiscovery.MAX_CONSECUTIVE_FAILURES, calls[0]);
    assertEquals(ServiceDiscovery.MAX_CONSECUTIVE_FAILURES + 1, found.size());
    assertTrue(
        found
            .get(found.size() - 1)
            .failure()
            .orElseThrow()
            .getMessage()
            .contains("stopped looking"));
  }

  @Test
  void aSuccessResetsTheCountOfFailuresInARow() {
    List<Supplier<ServiceLoader.Provider<SocketSource>>> steps = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < ServiceDiscovery.MAX_CONSECUTIVE_FAILURES - 1; i++) {
        steps.add(throwing(new ServiceConfigurationError("broken " + i)));
      }
      steps.add(found(FakeSocketSource.named("ok" + round)));
    }

    List<LoadedProvider<SocketSource>> found = walk(script(steps));

    assertEquals(steps.size(), found.size());
    assertEquals(3, found.stream().filter(LoadedProvider::isLoaded).count());
  }

  @Test
  void fatalErrorsAreNotSwallowed() {
    OutOfMemoryError oom = new OutOfMemoryError("heap");
    assertSame(
        oom, assertThrows(OutOfMemoryError.class, () -> walk(script(List.of(throwing(oom))))));
  }

  @Test
  void aRealServiceLoaderGoesOnPastProvidersItCannotFind(@TempDir Path dir) throws IOException {
    Path services = dir.resolve("META-INF/services/" + SocketSource.class.getName());
    Files.createDirectories(services.getParent());
    Files.writeString(services, "com.example.Missing\ncom.example.AlsoMissing\n");

    try (URLClassLoader classLoader =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      List<LoadedProvider<SocketSource>> found =
          ProviderLoader.serviceLoader(classLoader).load(SocketSource.class);

      List<String> failures =
          found.stream()
              .filter(loaded -> !loaded.isLoaded())
              .map(loaded -> loaded.failure().orElseThrow().getMessage())
              .toList();
      assertEquals(2, failures.size(), () -> "found " + found);
      assertTrue(failures.get(0).contains("com.example.Missing"));
      assertTrue(failures.get(1).contains("com.example.AlsoMissing"));
    }
  }

  @Test
  void theServiceLoaderFindsNoSocketSourceInCoreAndReportsNoFailure() {
    List<LoadedProvider<SocketSource>> found =
        ProviderLoader.serviceLoader().load(SocketSource.class);

    assertTrue(found.stream().allMatch(LoadedProvider::isLoaded), () -> "found " + found);
  }

  @Test
  void aKindCoreDoesNotUseIsAtWorstOneFailureNeverAnException() {
    List<LoadedProvider<Provider>> found = ProviderLoader.serviceLoader().load(Provider.class);

    assertTrue(
        found.stream().allMatch(loaded -> !loaded.isLoaded()) && found.size() <= 1,
        () -> "found " + found);
  }
}
