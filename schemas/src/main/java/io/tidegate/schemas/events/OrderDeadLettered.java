package io.tidegate.schemas.events;

import java.util.Objects;

/**
 * An order set aside after it could not be posted to the ERP, on {@code orders.dlq.v1}
 * (key orderId); {@code order} is what was accepted, so it can be replayed as is.
 *
 * @param reason    why, e.g. {@code RETRIES_EXHAUSTED} or {@code ERP_REJECTED_PERMANENTLY}
 * @param attempts  ERP posting attempts made
 * @param lastError last error seen (no stack trace), or null
 */
public record OrderDeadLettered(
  String orderId,
  String channel,
  String reason,
  int attempts,
  String lastError,
  OrderAccepted order) implements EventData {

  public OrderDeadLettered {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(order, "order");
  }

  @Override
  public String key() {
    return orderId;
  }
}
