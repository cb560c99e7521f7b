package io.tidegate.throttle;

/**
 * The load shedder of one route class. With {@code adaptive: true} the in-flight limit starts at
 * {@code initialLimit} and moves between {@code minLimit} (floor) and {@code maxLimit} (ceiling)
 * as measured latency allows ({@link AdaptiveLimit}); with {@code adaptive: false} it is fixed at
 * {@code maxLimit}. {@code maxDelayMs} bounds the queueing in front of the limit instead: when the
 * request's event loop runs that far behind ({@link EventLoopDelay}), ordinary requests are shed,
 * priority ones from twice that; 0 turns it off.
 */
public record OverloadSettings(int minLimit, int maxLimit, int initialLimit, boolean adaptive, int maxDelayMs) {

  public static final int MAX_LIMIT = 100_000;
  public static final int MAX_DELAY_MS = 60_000;

  public OverloadSettings {
    validate("overload", minLimit, maxLimit, initialLimit);
    Values.range("overload.maxDelayMs", maxDelayMs, 0, MAX_DELAY_MS);
  }

  static void validate(String key, int minLimit, int maxLimit, int initialLimit) {
    Values.range(key + ".minLimit", minLimit, 1, MAX_LIMIT);
    Values.range(key + ".maxLimit", maxLimit, minLimit, MAX_LIMIT);
    Values.range(key + ".initialLimit", initialLimit, minLimit, maxLimit);
  }

  /** A fresh limit following these settings. */
  ConcurrencyLimit newLimit(java.util.function.LongSupplier nanoClock) {
    return adaptive ? new AdaptiveLimit(minLimit, maxLimit, initialLimit, nanoClock) : ConcurrencyLimit.fixed(maxLimit);
  }
}
