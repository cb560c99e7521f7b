package io.tidegate.orders;

import io.tidegate.atp.SoftReservations;
import io.tidegate.kafka.CompactedFeedVerticle;
import io.tidegate.schemas.events.ErpOrderStatusChanged;
import io.tidegate.schemas.events.EventEnvelope;
import io.tidegate.schemas.events.OrderAccepted;
import io.tidegate.schemas.events.OrderStatusChanged;

/**
 * Feeds {@link SoftReservations} on every gateway instance from the order topics: an accepted
 * order holds its {@code shipFrom} quantities; a gateway or ERP status that ends the soft
 * reservation ({@link StatusRank#releasesReservation}) releases them.
 */
public final class ReservationFeed implements CompactedFeedVerticle.Sink {

  private final SoftReservations reservations;

  public ReservationFeed(SoftReservations reservations) {
    this.reservations = reservations;
  }

  @Override
  public boolean apply(EventEnvelope<?> event, byte[] value) {
    Object data = event.data();
    if (data instanceof OrderAccepted order) {
      return reservations.hold(order.orderId(), StockCheck.holds(order.lines()), order.acceptedAt().toEpochMilli());
    }
    if (data instanceof OrderStatusChanged s && StatusRank.releasesReservation(s.status())) {
      return reservations.release(s.orderId());
    }
    if (data instanceof ErpOrderStatusChanged s) {
      return reservations.release(s.orderId());
    }
    return false;
  }
}
