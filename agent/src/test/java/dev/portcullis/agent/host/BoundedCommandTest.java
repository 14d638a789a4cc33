package dev.portcullis.agent.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedCommandTest {

  @Test
  void itsOutputErrorAndStatusAreKeptApart() throws IOException {
    BoundedCommand.Result result =
        BoundedCommand.run(
            List.of("/bin/sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(30));
    assertEquals(new BoundedCommand.Result(3, "out\n", "err\n"), result);
  }

  @Test
  void aProgramThatHangsIsGivenUpAfterTheBound() {
    long start = System.nanoTime();
    IOException e =
        assertThrows(
            IOException.class,
            () -> BoundedCommand.run(List.of("/bin/sh", "-c", "sleep 30"), Duration.ofMillis(300)));
    assertTrue(e.getMessage().contains("did not end within"), e.getMessage());
    assertTrue(
        System.nanoTime() - start < Duration.ofSeconds(10).toNanos(),
        "the bound was not kept: it waited for the program");
  }

  @Test
  void aProgramThatWritesMoreThanAPipeHoldsIsReadWhileItRuns() throws IOException {
    BoundedCommand.Result result =
        BoundedCommand.run(
            List.of("/bin/sh", "-c", "head -c 1000000 /dev/zero; head -c 1000000 /dev/zero >&2"),
            Duration.ofSeconds(30));
    assertEquals(1_000_000, result.out().length());
    assertEquals(1_000_000, result.err().length());
  }
}
