package io.tidegate.throttle;

/**
 * The in-flight limiter of one route class. With {@code adaptive: true} the limit starts at
 * {@code initialLimit} and moves between {@code minLimit} (floor) and {@code maxLimit} (ceiling)
 * as measured latency allows ({@link AdaptiveLimit}); with {@code adaptive: false} it is fixed at
 * {@code maxLimit}.
 */
public record OverloadSettings(int minLimit, int maxLimit, int initialLimit, boolean adaptive) {

  public static final int MAX_LIMIT = 100_000;

  public OverloadSettings {
    validate("overload", minLimit, maxLimit, initialLimit);
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
