package io.tidegate.schemas.events;

/**
 * Order lifecycle: {@code ACCEPTED -> SUBMITTED -> BOOKED -> RELEASED -> SHIPPED -> INVOICED};
 * side exits {@code REJECTED} (the ERP refused), {@code FAILED} (dead-lettered after retries),
 * {@code CANCELLED}.
 */
public enum OrderStatus {
  /** Durable in the gateway (on orders.accepted.v1). */
  ACCEPTED,
  /** Posted to the ERP. */
  SUBMITTED,
  BOOKED,
  RELEASED,
  SHIPPED,
  INVOICED,
  /** The ERP refused the order (with reason). */
  REJECTED,
  /** Dead-lettered after retries. */
  FAILED,
  CANCELLED
}
