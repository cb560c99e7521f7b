package io.tidegate.schemas.events;

import java.time.Instant;
import java.util.Objects;

/**
 * The ERP's view of an order's progress, on {@code orders.erp-status.v1} (key orderId).
 * {@code sequence} increases per order; a record with a sequence not higher than the one held
 * is ignored (duplicates and out-of-order delivery are expected).
 *
 * @param erpOrderNumber the ERP's order number, or null (e.g. when rejected before booking)
 * @param reason         why, for {@link Status#REJECTED}; else null
 */
public record ErpOrderStatusChanged(
  String orderId,
  String erpOrderNumber,
  Status status,
  long sequence,
  String reason,
  Instant at) implements EventData {

  public ErpOrderStatusChanged {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(at, "at");
  }

  @Override
  public String key() {
    return orderId;
  }

  /** What the ERP reports. */
  public enum Status {
    BOOKED, RELEASED, SHIPPED, INVOICED, REJECTED;

    /** The gateway's order status this ERP status moves an order to. */
    public OrderStatus orderStatus() {
      return OrderStatus.valueOf(name());
    }
  }
}
