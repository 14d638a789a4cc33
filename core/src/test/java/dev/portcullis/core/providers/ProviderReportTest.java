package dev.portcullis.core.providers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ProviderReportTest {

  @Test
  void aSummaryIsOneLineWithNameClassOrderStatusAndCause() {
    ProviderReport report =
        new ProviderReport(
            Optional.of("netlink"),
            "com.example.Netlink",
            OptionalInt.of(3),
            ProviderReport.Status.UNAVAILABLE,
            Optional.of(new IOException("EPERM", new IllegalStateException())));

    assertEquals(
        "netlink (com.example.Netlink, order 3): unavailable: IOException: EPERM;"
            + " caused by IllegalStateException",
        report.summary());
    assertEquals(
        Optional.of("IOException: EPERM; caused by IllegalStateException"), report.causeSummary());
  }

  @Test
  void anAvailableProviderHasNoCauseSummary() {
    ProviderReport report =
        new ProviderReport(
            Optional.of("mesos"),
            "com.example.Mesos",
            OptionalInt.of(0),
            ProviderReport.Status.AVAILABLE,
            Optional.empty());

    assertEquals(Optional.empty(), report.causeSummary());
  }

  @Test
  void aProviderThatFailedBeforeItWasNamedIsSummarizedByClass() {
    ProviderReport report =
        new ProviderReport(
            Optional.empty(),
            "com.example.Gone",
            OptionalInt.empty(),
            ProviderReport.Status.FAILED_TO_LOAD,
            Optional.of(new NoClassDefFoundError("com/example/Jni")));

    assertEquals(
        "com.example.Gone: failed to load: NoClassDefFoundError: com/example/Jni",
        report.toString());
  }

  @Test
  void aCauseIsGivenExactlyWhenTheStatusHasOne() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ProviderReport(
                Optional.of("a"),
                "A",
                OptionalInt.of(0),
                ProviderReport.Status.UNAVAILABLE,
                Optional.empty()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ProviderReport(
                Optional.of("a"),
                "A",
                OptionalInt.of(0),
                ProviderReport.Status.SELECTED,
                Optional.of(new IOException())));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ProviderReport(
                Optional.empty(),
                "A",
                OptionalInt.of(0),
                ProviderReport.Status.AVAILABLE,
                Optional.empty()));
  }
}
