package io.tidegate.schemas.events;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * An order the gateway accepted and made durable, on {@code orders.accepted.v1} (key orderId).
 * The ERP poster drains it; {@code orderId} is the ERP's idempotency key.
 *
 * @param externalId    the channel's own order id, or null
 * @param currency      ISO 4217 code of the lines' unit prices: the order's own, or that of the
 *                      quotes it names; null when the order states no currency and names no quote
 * @param requestedDate requested delivery date, or null
 */
public record OrderAccepted(
  String orderId,
  String channel,
  String idempotencyKey,
  String externalId,
  String customerId,
  ShipTo shipTo,
  List<OrderLine> lines,
  String currency,
  LocalDate requestedDate,
  Instant acceptedAt) implements EventData {

  public OrderAccepted {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(shipTo, "shipTo");
    Objects.requireNonNull(acceptedAt, "acceptedAt");
    lines = List.copyOf(Objects.requireNonNull(lines, "lines"));
  }

  @Override
  public String key() {
    return orderId;
  }
}
