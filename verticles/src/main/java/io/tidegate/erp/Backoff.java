package io.tidegate.erp;

import java.util.function.DoubleSupplier;

/** Exponential backoff with full jitter: a random delay in [0, min(max, initial * 2^attempt)]. */
public record Backoff(long initialMs, long maxMs, DoubleSupplier random) {

  public long delayMs(int attempt) {
    long cap = initialMs << Math.min(attempt, 30);
    long bound = cap <= 0 || cap > maxMs ? maxMs : cap;
    return Math.max(1, (long) (random.getAsDouble() * bound));
  }
}
