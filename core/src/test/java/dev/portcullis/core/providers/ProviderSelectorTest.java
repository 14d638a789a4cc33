package dev.portcullis.core.providers;

import static dev.portcullis.core.providers.ProviderReport.Status.AVAILABLE;
import static dev.portcullis.core.providers.ProviderReport.Status.FAILED_TO_LOAD;
import static dev.portcullis.core.providers.ProviderReport.Status.NOT_PROBED;
import static dev.portcullis.core.providers.ProviderReport.Status.SELECTED;
import static dev.portcullis.core.providers.ProviderReport.Status.UNAVAILABLE;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.api.Provider;
import dev.portcullis.api.ProviderSettings;
import dev.portcullis.api.SocketSource;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ProviderSelectorTest {

  private static final ProviderSettings SETTINGS = ProviderSettings.of(Map.of("k", "v"));

  private static Selection<SocketSource> select(String wanted, Object... found) {
    return ProviderSelector.select(
        SocketSource.class, Optional.ofNullable(wanted), SETTINGS, loaderOf(found));
  }

  private static ProviderSelectionException failure(String wanted, Object... found) {
    return assertThrows(ProviderSelectionException.class, () -> select(wanted, found));
  }

  /** Loads fakes and ready-made failures, in the order given. */
  @SuppressWarnings("unchecked")
  private static ProviderLoader loaderOf(Object... found) {
    return new ProviderLoader() {
      @Override
      public <T extends Provider> List<LoadedProvider<T>> load(Class<T> kind) {
        return Arrays.stream(found)
            .map(
                item ->
                    item instanceof LoadedProvider
                        ? (LoadedProvider<T>) item
                        : LoadedProvider.of(kind.cast(item)))
            .toList();
      }
    };
  }

  private static List<ProviderReport.Status> statuses(List<ProviderReport> reports) {
    return reports.stream().map(ProviderReport::status).toList();
  }

  private static void assertContains(String text, String... parts) {
    for (String part : parts) {
      assertTrue(text.contains(part), () -> "Expected '" + part + "' in:\n" + text);
    }
  }

  @Nested
  class WithAName {

    @Test
    void selectsTheNamedProviderAndInitializesNoOther() {
      FakeSocketSource preferred = FakeSocketSource.named("proc").order(-10);
      FakeSocketSource wanted = FakeSocketSource.named("netlink").order(5);

      Selection<SocketSource> selection = select("netlink", preferred, wanted);

      assertAll(
          () -> assertSame(wanted, selection.provider()),
          () -> assertEquals("netlink", selection.name()),
          () -> assertSame(SETTINGS, wanted.initializedWith),
          () -> assertEquals(1, wanted.initializeCalls),
          () -> assertEquals(1, wanted.probeCalls),
          () -> assertTrue(preferred.untouched()),
          () -> assertEquals(List.of(NOT_PROBED, SELECTED), statuses(selection.considered())));
    }

    @Test
    void anUnknownNameListsEveryProviderFoundWithItsCause() {
      FakeSocketSource proc = FakeSocketSource.named("proc");
      FakeSocketSource netlink =
          FakeSocketSource.named("netlink").unavailableBecause(new IOException("EPERM"));
      LoadedProvider<SocketSource> broken =
          LoadedProvider.failed("com.example.Broken", new NoClassDefFoundError("com/example/Jni"));

      ProviderSelectionException e = failure("ebpf", proc, netlink, broken);

      assertContains(
          e.getMessage(),
          "No socket source named 'ebpf' was found",
          "proc (" + FakeSocketSource.class.getName() + ", order 0): available",
          "netlink ("
              + FakeSocketSource.class.getName()
              + ", order 0): unavailable: IOException: EPERM",
          "com.example.Broken: failed to load: NoClassDefFoundError: com/example/Jni",
          "Name one of the available ones (proc)");
      assertEquals(List.of(UNAVAILABLE, AVAILABLE, FAILED_TO_LOAD), statuses(e.considered()));
    }

    @Test
    void anUnavailableNamedProviderFailsWithItsCause() {
      IOException cause = new IOException("Operation not permitted");
      FakeSocketSource netlink = FakeSocketSource.named("netlink").unavailableBecause(cause);
      FakeSocketSource proc = FakeSocketSource.named("proc").order(1);

      ProviderSelectionException e = failure("netlink", netlink, proc);

      assertContains(
          e.getMessage(),
          "The socket source 'netlink' (" + FakeSocketSource.class.getName() + ") is unavailable",
          "IOException: Operation not permitted",
          "proc (",
          "Fix the cause, or name one of the available ones (proc)");
      assertSame(cause, e.getCause());
      assertEquals(1, proc.initializeCalls, "probed to tell whether it would work");
    }

    @Test
    void aNamedProviderWhoseInitializeThrowsFailsWithWhatItThrew() {
      IllegalArgumentException invalid =
          new IllegalArgumentException("Setting 'cgroups_root' must not be empty");
      FakeSocketSource v2 = FakeSocketSource.named("v2").failingInitialize(invalid);

      ProviderSelectionException e = failure("v2", v2);

      assertSame(invalid, e.getCause());
      assertContains(e.getMessage(), "Setting 'cgroups_root' must not be empty", "Fix the cause.");
      assertEquals(0, v2.probeCalls, "an uninitialized provider is not probed");
    }

    @Test
    void aNamedProviderWhoseOrderThrowsFailsWithWhatItThrew() {
      ArithmeticException broken = new ArithmeticException("order overflow");
      FakeSocketSource netlink = FakeSocketSource.named("netlink").failingOrder(broken);

      ProviderSelectionException e = failure("netlink", netlink, FakeSocketSource.named("proc"));

      assertSame(broken, e.getCause());
      assertContains(
          e.getMessage(),
          "The socket source 'netlink' (" + FakeSocketSource.class.getName() + ") failed to load",
          "ArithmeticException: order overflow");
    }

    @Test
    void aNameWhenNothingIsFoundSaysWhereItLooked() {
      ProviderSelectionException e =
          assertThrows(
              ProviderSelectionException.class,
              () ->
                  ProviderSelector.select(
                      SocketSource.class,
                      Optional.of("netlink"),
                      SETTINGS,
                      ProviderLoader.of(new FakePolicy("mesos"))));

      assertContains(
          e.getMessage(),
          "No socket source named 'netlink' was found, nor any other",
          "among the 1 providers handed in");
    }

    @Test
    void aBlankNameIsRejected() {
      assertThrows(IllegalArgumentException.class, () -> select(" ", FakeSocketSource.named("a")));
    }
  }

  @Nested
  class WithoutAName {

    @Test
    void theLowestOrderAvailableWinsAndLaterOnesAreNeverTouched() {
      FakeSocketSource first =
          FakeSocketSource.named("ebpf").order(-5).unavailableBecause(new IOException("no BTF"));
      FakeSocketSource second = FakeSocketSource.named("netlink").order(0);
      FakeSocketSource third = FakeSocketSource.named("proc").order(10);

      Selection<SocketSource> selection = select(null, third, second, first);

      assertAll(
          () -> assertSame(second, selection.provider()),
          () -> assertEquals(1, first.probeCalls),
          () -> assertTrue(third.untouched()),
          () ->
              assertEquals(
                  List.of(UNAVAILABLE, SELECTED, NOT_PROBED), statuses(selection.considered())),
          () ->
              assertEquals(
                  List.of("ebpf", "netlink", "proc"),
                  selection.considered().stream().map(r -> r.name().orElseThrow()).toList()));
    }

    @Test
    void tiesInOrderGoToTheAlphabeticallyFirstName() {
      FakeSocketSource zeta = FakeSocketSource.named("zeta");
      FakeSocketSource alpha = FakeSocketSource.named("alpha");

      assertSame(alpha, select(null, zeta, alpha).provider());
      assertTrue(zeta.untouched());
    }

    @Test
    void aProviderThatThrowsIsUnavailableAndHidesNoOther() {
      IllegalStateException initFailure = new IllegalStateException("cannot open netlink socket");
      UnsupportedOperationException probeFailure = new UnsupportedOperationException("probe");
      FakeSocketSource failsInit = FakeSocketSource.named("a").failingInitialize(initFailure);
      FakeSocketSource failsProbe = FakeSocketSource.named("b").failingProbe(probeFailure);
      FakeSocketSource works = FakeSocketSource.named("c");

      Selection<SocketSource> selection = select(null, failsInit, failsProbe, works);

      assertSame(works, selection.provider());
      assertEquals(Optional.of(initFailure), selection.considered().get(0).cause());
      assertEquals(Optional.of(probeFailure), selection.considered().get(1).cause());
    }

    @Test
    void aProviderThatCannotBeNamedOrOrderedFailedToLoad() {
      FakeSocketSource nameless =
          FakeSocketSource.named("x").failingName(new IllegalStateException("no name"));
      FakeSocketSource blank = FakeSocketSource.named(" ");
      FakeSocketSource unordered =
          FakeSocketSource.named("u").failingOrder(new ArithmeticException("order"));
      FakeSocketSource works = FakeSocketSource.named("w");

      Selection<SocketSource> selection = select(null, nameless, blank, unordered, works);

      assertSame(works, selection.provider());
      List<ProviderReport> considered = selection.considered();
      assertEquals(
          List.of(SELECTED, FAILED_TO_LOAD, FAILED_TO_LOAD, FAILED_TO_LOAD), statuses(considered));
      assertContains(considered.get(2).summary(), "name() returned ' '");
      assertEquals(Optional.of("u"), considered.get(3).name());
      assertTrue(unordered.untouched());
    }

    @Test
    void noneAvailableListsEveryCauseAndCarriesThem() {
      IOException eperm = new IOException("EPERM");
      IOException enoent = new IOException("/sys/fs/cgroup not mounted");
      LoadedProvider<SocketSource> broken =
          LoadedProvider.failed("com.example.Broken", new ExceptionInInitializerError("jni"));

      ProviderSelectionException e =
          failure(
              null,
              FakeSocketSource.named("netlink").unavailableBecause(eperm),
              FakeSocketSource.named("proc").order(1).unavailableBecause(enoent),
              broken);

      assertContains(
          e.getMessage(),
          "No socket source is available",
          "netlink (",
          "unavailable: IOException: EPERM",
          "proc (",
          "unavailable: IOException: /sys/fs/cgroup not mounted",
          "com.example.Broken: failed to load: ExceptionInInitializerError: jni",
          "Fix one of the causes");
      assertEquals(3, e.getSuppressed().length);
      assertSame(eperm, e.getSuppressed()[0]);
    }

    @Test
    void onlyFailuresFoundIsNoneAvailableNotNoneFound() {
      ProviderSelectionException e =
          failure(null, LoadedProvider.failed("com.example.Broken", new LinkageError("x")));

      assertContains(e.getMessage(), "No socket source is available", "com.example.Broken");
    }

    @Test
    void noneFoundOnThePathSaysWhereItLookedAndWhatToAdd() {
      ProviderSelectionException e =
          assertThrows(
              ProviderSelectionException.class,
              () ->
                  ProviderSelector.select(
                      SocketSource.class,
                      Optional.empty(),
                      SETTINGS,
                      ProviderLoader.serviceLoader()));

      assertContains(
          e.getMessage(),
          "No socket source provider was found on the module path or class path",
          "provides dev.portcullis.api.SocketSource",
          "META-INF/services/dev.portcullis.api.SocketSource");
      assertTrue(e.considered().isEmpty());
    }
  }

  @Test
  void duplicateNamesFailNamingBothClasses() {
    ProviderSelectionException e =
        failure(
            "other",
            FakeSocketSource.named("netlink"),
            FakeSocketSource.named("other"),
            new FakeSocketSource.Mirror("netlink"));

    assertContains(
        e.getMessage(),
        "Two socket source providers are named 'netlink'",
        FakeSocketSource.class.getName() + " and " + FakeSocketSource.Mirror.class.getName());
  }

  @Test
  void aSelectionIsAnIllegalStateForCallersThatDoNotKnowIt() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> select(null));
    assertTrue(e instanceof ProviderSelectionException);
  }

  @Test
  void surveyProbesEveryProviderInPreferenceOrder() {
    FakeSocketSource later = FakeSocketSource.named("proc").order(10);
    FakeSocketSource sooner = FakeSocketSource.named("netlink");
    FakeSocketSource broken =
        FakeSocketSource.named("ebpf").order(-1).unavailableBecause(new IOException("no BTF"));

    List<ProviderReport> reports =
        ProviderSelector.survey(
            SocketSource.class, SETTINGS, ProviderLoader.of(later, sooner, broken));

    assertEquals(List.of(UNAVAILABLE, AVAILABLE, AVAILABLE), statuses(reports));
    assertEquals(
        List.of("ebpf", "netlink", "proc"),
        reports.stream().map(r -> r.name().orElseThrow()).toList());
    assertEquals(1, later.initializeCalls);
  }

  @Test
  void theLoggedChoiceSaysWhyAndNamesTheOthers() {
    Selection<SocketSource> selection =
        select(null, FakeSocketSource.named("b"), FakeSocketSource.named("a"));
    ProviderReport chosen = selection.considered().get(0);

    String line =
        Diagnostics.chosen(SocketSource.class, chosen, selection.considered().subList(1, 2), false);

    assertEquals(
        "Selected socket source 'a' ("
            + FakeSocketSource.class.getName()
            + ", order 0), the first available by order (lowest first), then name."
            + " Also found: b ("
            + FakeSocketSource.class.getName()
            + ", order 0): not probed.",
        line);
  }
}
