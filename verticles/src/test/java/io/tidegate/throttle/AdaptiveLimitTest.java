package io.tidegate.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AdaptiveLimitTest {

  private static final long MS = 1_000_000L;
  private final Fixtures.ManualClock clock = new Fixtures.ManualClock();

  /** One full sample window: {@code MIN_SAMPLES} requests of the given latency, with the route in use. */
  private void window(AdaptiveLimit limit, long rttNanos, int inFlight) {
    for (int i = 0; i < AdaptiveLimit.MIN_SAMPLES; i++) {
      clock.advanceMillis(AdaptiveLimit.MIN_WINDOW_MILLIS / AdaptiveLimit.MIN_SAMPLES);
      limit.onSample(rttNanos, inFlight);
    }
  }

  @Test
  void growsWhileLatencyStaysLow() {
    AdaptiveLimit limit = new AdaptiveLimit(10, 400, 20, clock::nanoTime);
    for (int i = 0; i < 50; i++) {
      window(limit, 2 * MS, limit.current());
    }
    assertTrue(limit.current() > 40, "limit grew from 20 to " + limit.current());
  }

  @Test
  void shrinksWhenLatencyRises() {
    AdaptiveLimit limit = new AdaptiveLimit(10, 1000, 100, clock::nanoTime);
    for (int i = 0; i < 30; i++) {
      window(limit, 2 * MS, limit.current());
    }
    int before = limit.current();
    for (int i = 0; i < 5; i++) {
      window(limit, 20 * MS, limit.current());
    }
    assertTrue(limit.current() < before * 0.8, "limit fell from " + before + " to " + limit.current());
  }

  @Test
  void staysWithinFloorAndCeiling() {
    AdaptiveLimit limit = new AdaptiveLimit(10, 60, 50, clock::nanoTime);
    for (int i = 0; i < 200; i++) {
      window(limit, MS, limit.current());
    }
    assertEquals(60, limit.current(), "the ceiling holds");
    long rtt = MS;
    for (int i = 0; i < 100; i++) {
      rtt = Math.min(rtt * 2, 10_000 * MS);
      window(limit, rtt, limit.current());
    }
    assertEquals(10, limit.current(), "the floor holds");
  }

  @Test
  void doesNotGrowWhenTheRouteDoesNotUseItsLimit() {
    AdaptiveLimit limit = new AdaptiveLimit(10, 1000, 100, clock::nanoTime);
    for (int i = 0; i < 50; i++) {
      window(limit, MS, 3);
    }
    assertEquals(100, limit.current());
  }

  @Test
  void waitsForAFullWindowBeforeMoving() {
    AdaptiveLimit limit = new AdaptiveLimit(10, 1000, 100, clock::nanoTime);
    for (int i = 0; i < 1000; i++) {
      limit.onSample(MS, 100);
    }
    assertEquals(100, limit.current(), "no time passed: one window is still open");
  }
}
