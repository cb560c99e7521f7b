package io.tidegate.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoadShedderTest {

  private final Fixtures.ManualClock clock = new Fixtures.ManualClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private LoadShedder shedder(String routeClass, int fixedLimit) {
    return new LoadShedder(routeClass, new OverloadSettings(1, fixedLimit, 1, false, 0),
        channel -> channel.equals(Fixtures.WEBSHOP), registry, clock::nanoTime, () -> 0);
  }

  @Test
  void theTopTenthIsHeadroomForPriorityRequests() {
    assertEquals(9, LoadShedder.ordinaryCap(10));
    assertEquals(90, LoadShedder.ordinaryCap(100));
    assertEquals(18, LoadShedder.ordinaryCap(20));
    assertEquals(1, LoadShedder.ordinaryCap(2));
    assertEquals(1, LoadShedder.ordinaryCap(1));
  }

  @Test
  void ordinaryRequestsAreShedBeforePriorityRequests() {
    LoadShedder shedder = shedder("atp", 10);
    ConcurrencyLimit limit = shedder.currentLimit();
    for (int i = 1; i <= 9; i++) {
      assertEquals(i, shedder.tryEnter(limit, false));
    }
    assertEquals(-1, shedder.tryEnter(limit, false), "ordinary requests stop at 9 of 10");
    assertEquals(10, shedder.tryEnter(limit, true), "a priority request gets the last slot");
    assertEquals(-1, shedder.tryEnter(limit, true), "nobody gets beyond the limit");
    assertEquals(10, shedder.inFlight());
    shedder.exit(limit, clock.nanoTime(), 10, true);
    shedder.exit(limit, clock.nanoTime(), 9, true);
    assertEquals(9, shedder.tryEnter(limit, false), "slots come back when requests end");
  }

  @Test
  void criticalChannelsAndOrderIntakeArePriority() {
    assertTrue(shedder("atp", 10).priority(Fixtures.WEBSHOP), "a critical channel's reads");
    assertFalse(shedder("atp", 10).priority(Fixtures.MARKETPLACE));
    assertFalse(shedder("atp", 10).priority(null), "a route without a channel is ordinary");
    assertTrue(shedder("orders", 10).priority(Fixtures.MARKETPLACE), "order intake of any channel");
  }

  @Test
  void manyThreadsNeverExceedTheLimit() throws Exception {
    LoadShedder shedder = shedder("atp", 50);
    ConcurrencyLimit limit = shedder.currentLimit();
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      results.add(pool.submit(() -> {
        go.await();
        int admitted = 0;
        for (int i = 0; i < 2_000; i++) {
          if (shedder.tryEnter(limit, true) > 0) {
            admitted++;
          }
        }
        return admitted;
      }));
    }
    go.countDown();
    int total = 0;
    for (Future<Integer> f : results) {
      total += f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdownNow();
    assertEquals(50, total);
    assertEquals(50, shedder.inFlight());
  }

  @Test
  void reconfigureKeepsAnUnchangedLimitAndReplacesAChangedOne() {
    LoadShedder shedder = new LoadShedder("atp", new OverloadSettings(1, 100, 40, true, 0),
        channel -> false, registry, clock::nanoTime, () -> 0);
    ConcurrencyLimit learned = shedder.currentLimit();
    shedder.reconfigure(new OverloadSettings(1, 100, 40, true, 0));
    assertTrue(learned == shedder.currentLimit());
    shedder.reconfigure(new OverloadSettings(1, 5, 5, false, 0));
    assertEquals(5, shedder.limit());
    assertEquals(5.0, registry.get("gateway_inflight_limit").tag("route_class", "atp").gauge().value());
  }

  @Test
  void aLoopRunningBehindShedsOrdinaryRequestsFirstAndOnlyWhenTheBoundIsSet() {
    java.util.concurrent.atomic.AtomicLong delay = new java.util.concurrent.atomic.AtomicLong();
    OverloadSettings bounded = new OverloadSettings(1, 100, 100, false, 50);
    LoadShedder shedder = new LoadShedder("atp", bounded, channel -> false, registry, clock::nanoTime, delay::get);
    OverloadSettings unbounded = new OverloadSettings(1, 100, 100, false, 0);

    delay.set(TimeUnit.MILLISECONDS.toNanos(50));
    assertFalse(shedder.tooLate(bounded, false), "at the bound: admitted");
    delay.set(TimeUnit.MILLISECONDS.toNanos(51));
    assertTrue(shedder.tooLate(bounded, false), "an ordinary request beyond the bound is shed");
    assertFalse(shedder.tooLate(bounded, true), "a priority request is admitted up to twice the bound");
    delay.set(TimeUnit.MILLISECONDS.toNanos(101));
    assertTrue(shedder.tooLate(bounded, true), "and shed beyond it");
    delay.set(TimeUnit.SECONDS.toNanos(10));
    assertFalse(shedder.tooLate(unbounded, false), "maxDelayMs 0: the delay never sheds");
  }

  @Test
  void oneStallCountsForNothingAndASustainedDelayAtOnce() {
    EventLoopDelay.Probe probe = new EventLoopDelay.Probe();
    probe.sample(TimeUnit.SECONDS.toNanos(5));
    assertEquals(0, probe.sustainedNanos(), "a 5 s stall among punctual samples");
    probe.sample(0);
    probe.sample(TimeUnit.MILLISECONDS.toNanos(150));
    assertEquals(0, probe.sustainedNanos());
    probe.sample(TimeUnit.MILLISECONDS.toNanos(120));
    probe.sample(TimeUnit.MILLISECONDS.toNanos(180));
    assertEquals(120, TimeUnit.NANOSECONDS.toMillis(probe.sustainedNanos()), "three late samples in a row");
    probe.sample(-5);
    assertEquals(0, probe.sustainedNanos(), "one punctual (or early) sample ends it");
  }
}
