package io.tidegate.schemas.events;

import java.time.Instant;
import java.util.Objects;

/**
 * A status change the gateway recorded for an order, on {@code orders.status.v1} (key orderId).
 *
 * @param previousStatus null for the first status
 * @param detail         e.g. the ERP's rejection reason, or null
 * @param erpOrderNumber known from BOOKED on, else null
 */
public record OrderStatusChanged(
  String orderId,
  String channel,
  OrderStatus status,
  OrderStatus previousStatus,
  String detail,
  String erpOrderNumber,
  Instant at) implements EventData {

  public OrderStatusChanged {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(at, "at");
  }

  @Override
  public String key() {
    return orderId;
  }
}
