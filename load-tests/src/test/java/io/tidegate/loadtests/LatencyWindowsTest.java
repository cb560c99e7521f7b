package io.tidegate.loadtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LatencyWindowsTest {

  @Test
  void percentilesPerCompletedWindow() {
    AtomicLong now = new AtomicLong(1_000);
    LatencyWindows windows = new LatencyWindows(60_000, now::get);
    for (int i = 1; i <= 100; i++) {
      windows.record(i);           // window 0: 1..100 ms
    }
    now.addAndGet(60_000);
    for (int i = 0; i < 100; i++) {
      windows.record(i < 98 ? 5 : 400);  // window 1: mostly 5 ms, two slow
    }
    now.addAndGet(60_000);
    windows.record(1);             // window 2 is still in progress: not reported

    List<LatencyWindows.Stats> done = windows.completed();
    assertEquals(2, done.size());
    assertEquals(new LatencyWindows.Stats(0, 100, 50, 99), done.get(0));
    assertEquals(new LatencyWindows.Stats(1, 100, 5, 400), done.get(1));
  }

  @Test
  void outOfRangeTimesLandInTheEdgeBuckets() {
    AtomicLong now = new AtomicLong();
    LatencyWindows windows = new LatencyWindows(1_000, now::get);
    windows.record(-3);
    windows.record(10_000_000);
    now.addAndGet(1_000);
    LatencyWindows.Stats s = windows.completed().get(0);
    assertEquals(2, s.count());
    assertEquals(0, s.p50());
    assertEquals(60_000, s.p99());
  }
}
