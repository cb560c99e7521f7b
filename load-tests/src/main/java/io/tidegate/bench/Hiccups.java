package io.tidegate.bench;

import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures the machine's own stalls while a benchmark runs, in the manner of jHiccup: a thread
 * that asks to sleep 1 ms, over and over, records how much longer each sleep took. Nothing in the
 * code under test can be faster than these stalls, so a p99 that matches the hiccups' p99 measures
 * the machine (a busy or oversubscribed host, a virtual CPU descheduled), not the gateway.
 *
 * <p>{@code java ... io.tidegate.bench.Hiccups <seconds>} prints one JSON line, e.g.
 * {@code {"samples":..,"p50_ms":..,"p99_ms":..,"p999_ms":..,"max_ms":..,"stalled_ms":..}}, where
 * {@code stalled_ms} sums the excess of every sleep that overslept by more than 10 ms.
 */
public final class Hiccups {

  private static final long INTERVAL_NANOS = 1_000_000;
  private static final int BUCKETS = 100_000;   // 0.1 ms resolution up to 10 s

  private Hiccups() {
  }

  public static void main(String[] args) {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 10;
    if (seconds < 1 || seconds > 3600) {
      throw new IllegalArgumentException("seconds must be in [1, 3600]");
    }
    long[] histogram = new long[BUCKETS];
    long samples = 0;
    long maxNanos = 0;
    long stalledNanos = 0;
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (true) {
      long before = System.nanoTime();
      if (before >= end) {
        break;
      }
      LockSupport.parkNanos(INTERVAL_NANOS);
      long excess = Math.max(0, System.nanoTime() - before - INTERVAL_NANOS);
      histogram[(int) Math.min(BUCKETS - 1, excess / 100_000)]++;
      samples++;
      maxNanos = Math.max(maxNanos, excess);
      if (excess > 10_000_000) {
        stalledNanos += excess;
      }
    }
    System.out.println(String.format(Locale.ROOT,
        "{\"samples\":%d,\"p50_ms\":%.1f,\"p99_ms\":%.1f,\"p999_ms\":%.1f,\"max_ms\":%.1f,\"stalled_ms\":%.0f}",
        samples, percentile(histogram, samples, 50), percentile(histogram, samples, 99),
        percentile(histogram, samples, 99.9), maxNanos / 1e6, stalledNanos / 1e6));
  }

  /** Upper edge of the bucket holding the p-th percentile, in ms. */
  static double percentile(long[] histogram, long samples, double p) {
    long rank = (long) Math.ceil(samples * p / 100.0);
    long seen = 0;
    for (int i = 0; i < histogram.length; i++) {
      seen += histogram[i];
      if (seen >= rank && seen > 0) {
        return (i + 1) / 10.0;
      }
    }
    return 0;
  }
}
