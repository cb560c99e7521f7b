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
    return new LoadShedder(routeClass, new OverloadSettings(1, fixedLimit, 1, false),
        channel -> channel.equals(Fixtures.WEBSHOP), registry, clock::nanoTime);
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
    LoadShedder shedder = new LoadShedder("atp", new OverloadSettings(1, 100, 40, true),
        channel -> false, registry, clock::nanoTime);
    ConcurrencyLimit learned = shedder.currentLimit();
    shedder.reconfigure(new OverloadSettings(1, 100, 40, true));
    assertTrue(learned == shedder.currentLimit());
    shedder.reconfigure(new OverloadSettings(1, 5, 5, false));
    assertEquals(5, shedder.limit());
    assertEquals(5.0, registry.get("gateway_inflight_limit").tag("route_class", "atp").gauge().value());
  }
}
