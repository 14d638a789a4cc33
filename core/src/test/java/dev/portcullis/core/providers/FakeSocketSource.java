package dev.portcullis.core.providers;

import dev.portcullis.api.ListeningSocket;
import dev.portcullis.api.Protocol;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.api.SocketSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A socket source for selection tests: named, ordered, available or not, failing where told to, and
 * counting the lifecycle calls it receives.
 */
class FakeSocketSource implements SocketSource {

  private final String name;
  private int order;
  private Optional<Throwable> unavailabilityCause = Optional.empty();
  private RuntimeException initializeFailure;
  private RuntimeException probeFailure;
  private RuntimeException nameFailure;
  private RuntimeException orderFailure;

  int initializeCalls;
  int probeCalls;
  ProviderSettings initializedWith;

  FakeSocketSource(String name) {
    this.name = name;
  }

  static FakeSocketSource named(String name) {
    return new FakeSocketSource(name);
  }

  FakeSocketSource order(int value) {
    this.order = value;
    return this;
  }

  FakeSocketSource unavailableBecause(Throwable cause) {
    this.unavailabilityCause = Optional.of(cause);
    return this;
  }

  FakeSocketSource failingInitialize(RuntimeException failure) {
    this.initializeFailure = failure;
    return this;
  }

  FakeSocketSource failingProbe(RuntimeException failure) {
    this.probeFailure = failure;
    return this;
  }

  FakeSocketSource failingName(RuntimeException failure) {
    this.nameFailure = failure;
    return this;
  }

  FakeSocketSource failingOrder(RuntimeException failure) {
    this.orderFailure = failure;
    return this;
  }

  boolean untouched() {
    return initializeCalls == 0 && probeCalls == 0;
  }

  @Override
  public String name() {
    if (nameFailure != null) {
      throw nameFailure;
    }
    return name;
  }

  @Override
  public int order() {
    if (orderFailure != null) {
      throw orderFailure;
    }
    return order;
  }

  @Override
  public void initialize(ProviderSettings settings) {
    initializeCalls++;
    initializedWith = settings;
    if (initializeFailure != null) {
      throw initializeFailure;
    }
  }

  @Override
  public Optional<Throwable> unavailabilityCause() {
    probeCalls++;
    if (probeFailure != null) {
      throw probeFailure;
    }
    return unavailabilityCause;
  }

  @Override
  public List<ListeningSocket> listeningSockets(Set<Protocol> protocols) {
    return List.of();
  }

  @Override
  public Set<Long> socketInodes(long pid) {
    return Set.of();
  }

  @Override
  public boolean reportsCgroupIds() {
    return false;
  }

  /** Another class, so that two providers of different classes can share a name. */
  static final class Mirror extends FakeSocketSource {
    Mirror(String name) {
      super(name);
    }
  }

  /** A provider whose constructor throws, as one missing its native library would. */
  static final class Exploding extends FakeSocketSource {
    Exploding() {
      super("exploding");
      throw new IllegalStateException("no netlink in this kernel");
    }
  }

  /**
   * A provider whose class cannot be initialized: the first construction throws {@link
   * ExceptionInInitializerError}, every later one {@link NoClassDefFoundError}.
   */
  static final class BrokenStatic extends FakeSocketSource {
    private static final String NAME = failToInitialize();

    BrokenStatic() {
      super(NAME);
    }

    private static String failToInitialize() {
      throw new IllegalStateException("static initializer failed");
    }
  }
}
