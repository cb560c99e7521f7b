package io.tidegate.loadtests;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Response times in consecutive windows of a long run, to tell drift (the last window slower than
 * the first) from noise. One histogram of 1 ms buckets (up to 60 s) per window, so memory stays
 * bounded however long the run.
 */
final class LatencyWindows {

  private static final int BUCKETS = 60_001;

  private final long windowMillis;
  private final long startMillis;
  private final LongSupplier clock;
  private final ConcurrentHashMap<Long, AtomicLongArray> windows = new ConcurrentHashMap<>();

  LatencyWindows(long windowMillis, LongSupplier clockMillis) {
    if (windowMillis <= 0) {
      throw new IllegalArgumentException("window must be > 0 ms");
    }
    this.windowMillis = windowMillis;
    this.clock = clockMillis;
    this.startMillis = clockMillis.getAsLong();
  }

  void record(int millis) {
    long window = (clock.getAsLong() - startMillis) / windowMillis;
    windows.computeIfAbsent(window, w -> new AtomicLongArray(BUCKETS))
        .incrementAndGet(Math.max(0, Math.min(BUCKETS - 1, millis)));
  }

  /** Complete windows only (the one in progress is left out), oldest first. */
  List<Stats> completed() {
    long current = (clock.getAsLong() - startMillis) / windowMillis;
    List<Stats> out = new ArrayList<>();
    windows.keySet().stream().filter(w -> w < current).sorted()
        .forEach(w -> out.add(Stats.of(w, windows.get(w))));
    return out;
  }

  /** Count and percentiles (ms) of one window. */
  record Stats(long window, long count, int p50, int p99) {
    static Stats of(long window, AtomicLongArray buckets) {
      long count = 0;
      for (int i = 0; i < buckets.length(); i++) {
        count += buckets.get(i);
      }
      return new Stats(window, count, percentile(buckets, count, 50), percentile(buckets, count, 99));
    }

    private static int percentile(AtomicLongArray buckets, long count, double p) {
      long rank = (long) Math.ceil(count * p / 100.0);
      long seen = 0;
      for (int i = 0; i < buckets.length(); i++) {
        seen += buckets.get(i);
        if (seen >= rank && seen > 0) {
          return i;
        }
      }
      return 0;
    }
  }
}
