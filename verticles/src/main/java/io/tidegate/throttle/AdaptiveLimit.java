package io.tidegate.throttle;

import java.util.function.LongSupplier;

/**
 * A concurrency limit that finds the in-flight level at which latency stays low, after Netflix
 * concurrency-limits' {@code Gradient2Limit} fed through a {@code WindowedLimit}.
 *
 * <p>Samples are averaged over short windows (at least {@value #MIN_WINDOW_MILLIS} ms and
 * {@value #MIN_SAMPLES} samples). At the end of each window the window's average latency
 * ({@code shortRtt}) is compared with a slow exponential average of past windows ({@code longRtt}):
 * <pre>
 *   gradient = clamp(0.5, 1.0, TOLERANCE * longRtt / shortRtt)
 *   target   = limit * gradient + queueSize          (queueSize = max(4, sqrt(limit)))
 *   limit    = clamp(min, max, limit * (1 - SMOOTHING) + target * SMOOTHING)
 * </pre>
 * While latency is within {@code TOLERANCE} (1.5×) of its long-term level the gradient is 1 and
 * the limit creeps up by {@code queueSize}; when latency rises beyond it the limit falls, by at
 * most half per window. A window in which fewer than half of the limit were in flight does not
 * grow the limit (the route was not using it, so the latency says nothing about a higher level).
 * When latency recovers after a long overload, {@code longRtt} is pulled down quickly so the limit
 * can grow again.
 *
 * <p>Thread-safe: samples from every event loop go through one short critical section, which a
 * sample skips rather than waits for; readers of {@link #current()} only read a volatile.
 */
public final class AdaptiveLimit implements ConcurrencyLimit {

  static final long MIN_WINDOW_MILLIS = 100;
  static final int MIN_SAMPLES = 10;
  private static final long MIN_WINDOW_NANOS = MIN_WINDOW_MILLIS * 1_000_000L;
  private static final double SMOOTHING = 0.2;
  private static final double TOLERANCE = 1.5;
  private static final int LONG_WINDOW = 600;
  private static final int WARMUP = 10;

  private final int minLimit;
  private final int maxLimit;
  private final LongSupplier nanoClock;
  private final java.util.concurrent.locks.ReentrantLock window = new java.util.concurrent.locks.ReentrantLock();
  private volatile int limit;

  private double estimate;
  private double longRtt;
  private int longSamples;
  private long windowStart;
  private long windowRttSum;
  private int windowSamples;
  private int windowMaxInFlight;

  public AdaptiveLimit(int minLimit, int maxLimit, int initialLimit, LongSupplier nanoClock) {
    OverloadSettings.validate("overload", minLimit, maxLimit, initialLimit);
    this.minLimit = minLimit;
    this.maxLimit = maxLimit;
    this.nanoClock = nanoClock;
    this.limit = initialLimit;
    this.estimate = initialLimit;
    this.windowStart = nanoClock.getAsLong();
  }

  @Override
  public int current() {
    return limit;
  }

  /**
   * Adds a sample to the current window. A sample that arrives while another event loop holds the
   * window is dropped instead of waiting for it: the window is a statistic, and an event loop
   * must never block (under load, waiting here cost more than the rest of the limiter).
   */
  @Override
  public void onSample(long rttNanos, int inFlight) {
    if (!window.tryLock()) {
      return;
    }
    try {
      add(rttNanos, inFlight);
    } finally {
      window.unlock();
    }
  }

  private void add(long rttNanos, int inFlight) {
    windowRttSum += Math.max(1, rttNanos);
    windowSamples++;
    windowMaxInFlight = Math.max(windowMaxInFlight, inFlight);
    long now = nanoClock.getAsLong();
    if (windowSamples < MIN_SAMPLES || now - windowStart < MIN_WINDOW_NANOS) {
      return;
    }
    update((double) windowRttSum / windowSamples, windowMaxInFlight);
    windowStart = now;
    windowRttSum = 0;
    windowSamples = 0;
    windowMaxInFlight = 0;
  }

  private void update(double shortRtt, int inFlight) {
    longSamples++;
    if (longSamples <= WARMUP) {
      longRtt += (shortRtt - longRtt) / longSamples;
    } else {
      longRtt += (shortRtt - longRtt) * 2.0 / (LONG_WINDOW + 1);
    }
    if (longRtt / shortRtt > 2) {
      longRtt *= 0.95;
    }
    if (inFlight < estimate / 2) {
      return;
    }
    double gradient = Math.max(0.5, Math.min(1.0, TOLERANCE * longRtt / shortRtt));
    double target = estimate * gradient + Math.max(4, Math.sqrt(estimate));
    estimate = Math.max(minLimit, Math.min(maxLimit, estimate * (1 - SMOOTHING) + target * SMOOTHING));
    limit = (int) estimate;
  }

  @Override
  public String toString() {
    return "adaptive(" + limit + " in [" + minLimit + ", " + maxLimit + "])";
  }
}
