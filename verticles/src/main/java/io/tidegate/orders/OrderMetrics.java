package io.tidegate.orders;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidegate.schemas.events.OrderStatus;
import io.vertx.core.Vertx;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges read from the status store every {@link #REFRESH_MS}: {@code gateway_orders_by_status},
 * {@code gateway_dlq_depth}, {@code gateway_orders_stuck{stage}} and
 * {@code gateway_order_erp_statuses_unmatched}. They describe the shared store,
 * so every instance reports the same values: aggregate them with {@code max}, not {@code sum}. A
 * failed refresh keeps the last values and is counted, so a dead database shows in the metrics too.
 */
public final class OrderMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(OrderMetrics.class);
  static final long REFRESH_MS = 15_000;

  private final OrderReport report;
  private final MeterRegistry registry;
  private final Map<OrderStatus, AtomicLong> byStatus = new EnumMap<>(OrderStatus.class);
  private final AtomicLong deadLettered = new AtomicLong();
  private final AtomicLong unsubmitted = new AtomicLong();
  private final AtomicLong unbooked = new AtomicLong();
  private final AtomicLong unmatched = new AtomicLong();

  public OrderMetrics(OrderReport report, MeterRegistry registry) {
    this.report = report;
    this.registry = registry;
    for (OrderStatus status : OrderStatus.values()) {
      AtomicLong count = new AtomicLong();
      byStatus.put(status, count);
      Gauge.builder("gateway_orders_by_status", count, AtomicLong::get).tag("status", status.name())
          .description("Orders in the status store by current status (same value on every instance)")
          .register(registry);
    }
    Gauge.builder("gateway_dlq_depth", deadLettered, AtomicLong::get)
        .description("Dead-lettered orders not yet replayed (same value on every instance)").register(registry);
    Gauge.builder("gateway_orders_stuck", unsubmitted, AtomicLong::get).tag("stage", "submitted")
        .description("Orders older than orders.stuckUnsubmittedMinutes that the ERP has not accepted yet")
        .register(registry);
    Gauge.builder("gateway_orders_stuck", unbooked, AtomicLong::get).tag("stage", "booked")
        .description("Orders older than orders.stuckUnbookedMinutes that the ERP has not booked yet")
        .register(registry);
    Gauge.builder("gateway_order_erp_statuses_unmatched", unmatched, AtomicLong::get)
        .description("ERP statuses that have waited over 5 minutes for an order the status store does not have")
        .register(registry);
  }

  /** Reads now and then every {@link #REFRESH_MS}; returns the timer id. */
  public long start(Vertx vertx) {
    refresh();
    return vertx.setPeriodic(REFRESH_MS, id -> refresh());
  }

  void refresh() {
    report.snapshot().onSuccess(s -> {
      byStatus.forEach((status, count) -> count.set(s.byStatus().getOrDefault(status.name(), 0L)));
      deadLettered.set(s.deadLettered());
      unsubmitted.set(s.unsubmitted());
      unbooked.set(s.unbooked());
      unmatched.set(s.unmatchedErpStatuses());
    }).onFailure(e -> {
      registry.counter("gateway_order_metrics_refresh_failures_total").increment();
      LOG.debug("order metrics not refreshed: {}", e.toString());
    });
  }
}
