package io.tidegate.config;

/**
 * Order intake.
 *
 * @param maxLines                   runtime cap on lines per order (the contract allows at most 100)
 * @param idempotencyRetentionHours  how long an Idempotency-Key is remembered per channel
 * @param inFlightLeaseSeconds       a key whose first request has not finished after this long (the
 *                                   instance died mid-request) may be taken over by a retry; the
 *                                   derived order id keeps the retry from becoming a second order
 * @param reservationExpiryMinutes   a soft reservation the ERP never confirmed is released after this
 * @param statusGroup                consumer group that writes orders.* events into PostgreSQL
 * @param stuckUnsubmittedMinutes    an order not yet accepted by the ERP (SUBMITTED) this long after
 *                                   intake counts as stuck (metric, reconciliation report)
 * @param stuckUnbookedMinutes       an order the ERP has not booked this long after intake counts as stuck
 * @param parkedErpStatusHours       an ERP status of an order the status store does not have waits this
 *                                   long for the order (its OrderAccepted still on its way), then is dropped
 */
public record OrdersSettings(int maxLines, int idempotencyRetentionHours, int inFlightLeaseSeconds,
                             int reservationExpiryMinutes, String statusGroup, int stuckUnsubmittedMinutes,
                             int stuckUnbookedMinutes, int parkedErpStatusHours) {

  public OrdersSettings {
    Check.range("orders.maxLines", maxLines, 1, 100);
    Check.range("orders.idempotencyRetentionHours", idempotencyRetentionHours, 1, 24 * 30);
    Check.range("orders.inFlightLeaseSeconds", inFlightLeaseSeconds, 5, 3600);
    Check.range("orders.reservationExpiryMinutes", reservationExpiryMinutes, 1, 7 * 24 * 60);
    Check.notBlank("orders.statusGroup", statusGroup);
    Check.range("orders.stuckUnsubmittedMinutes", stuckUnsubmittedMinutes, 1, 7 * 24 * 60);
    Check.range("orders.stuckUnbookedMinutes", stuckUnbookedMinutes, 1, 30 * 24 * 60);
    Check.range("orders.parkedErpStatusHours", parkedErpStatusHours, 1, 24 * 90);
  }
}
