package io.tidegate.throttle;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The throttle metrics; every label value comes from configuration, so label sets stay bounded. */
final class ThrottleMetrics {

  private final MeterRegistry registry;

  ThrottleMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  Counter rejections(String channel, String policy) {
    return Counter.builder("gateway_throttle_rejections_total").tag("channel", channel).tag("policy", policy)
        .description("Requests refused with 429 RATE_LIMITED, by channel and exceeded policy").register(registry);
  }

  /** Counts a reload; {@code source} is {@code file} or {@code admin}. */
  void reload(String source, boolean applied) {
    Counter.builder("gateway_throttle_reloads_total").tag("source", source)
        .tag("outcome", applied ? "applied" : "rejected")
        .description("Throttle limit changes, applied or rejected").register(registry).increment();
  }
}
