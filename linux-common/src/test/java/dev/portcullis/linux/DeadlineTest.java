package dev.portcullis.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InterruptedIOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeadlineTest {

  @Test
  void expiresAfterItsBound() throws InterruptedIOException {
    Deadline deadline = Deadline.after(Duration.ofMillis(30));
    assertFalse(deadline.expired());
    assertTrue(deadline.remaining().compareTo(Duration.ofMillis(30)) <= 0);
    deadline.sleep(Duration.ofSeconds(10)); // cut short by the deadline
    assertTrue(deadline.expired());
    assertEquals(Duration.ZERO, deadline.remaining());
  }

  @Test
  void orSoonerTakesTheEarlierOfTheTwo() {
    Deadline far = Deadline.after(Duration.ofHours(1));
    Duration left = far.orSooner(Duration.ofMillis(10)).remaining();
    assertTrue(left.compareTo(Duration.ofMillis(10)) <= 0, left::toString);
    Deadline near = Deadline.after(Duration.ofMillis(10));
    assertSame(near, near.orSooner(Duration.ofHours(1)));
  }

  @Test
  void anInterruptedSleepIsAnInterruptedIoExceptionAndKeepsTheFlag() {
    Thread.currentThread().interrupt();
    try {
      assertThrows(
          InterruptedIOException.class,
          () -> Deadline.after(Duration.ofSeconds(5)).sleep(Duration.ofSeconds(1)));
      assertTrue(Thread.currentThread().isInterrupted());
    } finally {
      Thread.interrupted();
    }
  }
}
