package io.tidegate.orders;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * {@code gateway_order_aging_seconds{stage}}: time from intake (ACCEPTED) to the ERP accepting the
 * order ({@code submitted}, measured by the poster) and to the ERP booking it ({@code booked},
 * measured by the status projector). Histogram buckets run from 10 ms to 6 h, because at peak the
 * backlog in front of a slow ERP is measured in minutes, not milliseconds.
 */
public final class OrderAging {

  private OrderAging() {
  }

  public static Timer timer(MeterRegistry registry, String stage) {
    return Timer.builder("gateway_order_aging_seconds").tag("stage", stage)
        .description("Time from ACCEPTED to the stage (submitted: ERP accepted the POST; booked: ERP booked it)")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(10))
        .maximumExpectedValue(Duration.ofHours(6))
        .register(registry);
  }
}
