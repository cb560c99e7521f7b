package io.tidegate.dev.erp;

import java.util.function.LongSupplier;

/**
 * Token bucket: {@code ratePerSecond} tokens per second, burst = {@code ratePerSecond}, starts
 * full. Not thread-safe: owned by the simulator's event loop. The clock is injected so the bucket
 * is tested without sleeping.
 */
final class TokenBucket {

  private static final double NANOS_PER_SECOND = 1_000_000_000.0;

  private final int ratePerSecond;
  private final LongSupplier nanoClock;
  private double tokens;
  private long lastNanos;

  TokenBucket(int ratePerSecond, LongSupplier nanoClock) {
    if (ratePerSecond < 1) {
      throw new IllegalArgumentException("ratePerSecond=" + ratePerSecond + ": expected >= 1");
    }
    this.ratePerSecond = ratePerSecond;
    this.nanoClock = nanoClock;
    this.tokens = ratePerSecond;
    this.lastNanos = nanoClock.getAsLong();
  }

  /**
   * Takes one token. Returns {@code 0} when granted, otherwise the nanoseconds until a token will
   * be available (nothing is taken).
   */
  long tryAcquire() {
    long now = nanoClock.getAsLong();
    tokens = Math.min(ratePerSecond, tokens + (now - lastNanos) * ratePerSecond / NANOS_PER_SECOND);
    lastNanos = now;
    if (tokens >= 1.0) {
      tokens -= 1.0;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1.0 - tokens) * NANOS_PER_SECOND / ratePerSecond));
  }

  /** Whole seconds a refused caller should wait: never earlier than the next token, at least 1. */
  static long retryAfterSeconds(long waitNanos) {
    return Math.max(1, (long) Math.ceil(waitNanos / NANOS_PER_SECOND));
  }
}
