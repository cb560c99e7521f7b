package io.tidegate.erp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateGateTest {

  private final AtomicLong nanos = new AtomicLong(5_000_000_000L);

  @Test
  void callsAreSpacedEvenlyAtTheConfiguredRate() {
    RateGate gate = new RateGate(10, 1, nanos::get);
    assertEquals(0, gate.reserve());
    assertEquals(100, gate.reserve());
    assertEquals(200, gate.reserve());
    nanos.addAndGet(1_000_000_000L);
    assertEquals(0, gate.reserve(), "an idle gate does not save up a burst");
    assertEquals(100, gate.reserve());
  }

  @Test
  void aPausePushesEveryLaterSlotBack() {
    RateGate gate = new RateGate(100, 1, nanos::get);
    gate.reserve();
    gate.pause(2000);
    assertEquals(2000, gate.reserve());
    assertEquals(2010, gate.reserve());
  }

  @Test
  void aBurstMakesUpForLostTimeButNeverMoreThanRateTimesTPlusBurst() {
    RateGate gate = new RateGate(10, 3, nanos::get);
    assertEquals(0, gate.reserve());
    assertEquals(100, gate.reserve());
    // The process did not run for a second (a stalled host, a long GC): three calls may go at once,
    // then the pace is even again.
    nanos.addAndGet(1_000_000_000L);
    assertEquals(0, gate.reserve());
    assertEquals(0, gate.reserve());
    assertEquals(0, gate.reserve());
    assertEquals(100, gate.reserve());
    assertEquals(200, gate.reserve());
    // Over any window, at most rate x T + burst: 10 s idle still saves up only 3.
    nanos.addAndGet(10_000_000_000L);
    int atOnce = 0;
    while (gate.reserve() == 0) {
      atOnce++;
    }
    assertEquals(3, atOnce);
  }

  @Test
  void aPauseAlsoSpendsTheSavedUpBurst() {
    RateGate gate = new RateGate(10, 5, nanos::get);
    nanos.addAndGet(5_000_000_000L);
    gate.pause(1000);
    assertEquals(1000, gate.reserve());
    assertEquals(1100, gate.reserve());
  }

  @Test
  void backoffDoublesUpToTheCapWithFullJitter() {
    Backoff top = new Backoff(100, 1000, () -> 0.999999);
    assertEquals(99, top.delayMs(0));
    assertEquals(199, top.delayMs(1));
    assertEquals(399, top.delayMs(2));
    assertEquals(999, top.delayMs(10));
    assertEquals(999, top.delayMs(70), "no overflow on large attempt numbers");
    assertTrue(new Backoff(100, 1000, () -> 0.0).delayMs(3) >= 1);
  }
}
