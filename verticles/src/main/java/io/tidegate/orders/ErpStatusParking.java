package io.tidegate.orders;

import io.micrometer.core.instrument.MeterRegistry;
import io.tidegate.schemas.events.ErpOrderStatusChanged;
import io.tidegate.store.ExpiryPurge;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * ERP statuses of orders the status store has no row for yet (migration V8): the order's
 * OrderAccepted is still on its way, or the gateway never accepted the order. Recorded at once,
 * such a status would lose the ERP order number (written to the order row) and could not be copied
 * to {@code orders.status.v1} (the copy names the order's channel). The status projector parks it
 * here and applies it once the order is in the store; one whose order never comes is purged after
 * {@code orders.parkedErpStatusHours}.
 */
public final class ErpStatusParking {

  /** An ERP status event, as much of it as the status store uses. */
  record Parked(UUID eventId, Instant occurredAt, String correlationId, ErpOrderStatusChanged status) {
  }

  static final String PARK = """
      INSERT INTO erp_status_parked (order_id, event_id, status, erp_order_number, reason, sequence, at, occurred_at,
                                     correlation_id)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
      ON CONFLICT DO NOTHING""";
  /**
   * Parked statuses whose order is in the store now, oldest first; a row another instance is
   * applying is skipped, so that two projectors never apply (and publish) one twice at once.
   */
  static final String READY = """
      SELECT order_id, event_id, status, erp_order_number, reason, sequence, at, occurred_at, correlation_id
      FROM erp_status_parked p
      WHERE EXISTS (SELECT 1 FROM orders o WHERE o.order_id = p.order_id)
      ORDER BY parked_at LIMIT $1
      FOR UPDATE OF p SKIP LOCKED""";
  static final String REMOVE = "DELETE FROM erp_status_parked WHERE order_id = $1 AND event_id = $2";
  /** Parked longer than {@code $2} hours, for {@link ExpiryPurge}. */
  static final String EXPIRED = "parked_at < now() - make_interval(hours => $2)";

  private ErpStatusParking() {
  }

  /** Parks a status; a copy of one parked already (same event id) adds nothing. */
  static Future<Void> park(SqlClient client, Parked p) {
    ErpOrderStatusChanged s = p.status();
    return client.preparedQuery(PARK).execute(Tuple.from(new Object[] {s.orderId(), p.eventId(), s.status().name(),
        s.erpOrderNumber(), s.reason(), s.sequence(), OrderRepository.utc(s.at()), OrderRepository.utc(p.occurredAt()),
        p.correlationId()})).mapEmpty();
  }

  /** Up to {@code limit} parked statuses whose order has arrived, locked for this transaction. */
  static Future<List<Parked>> ready(SqlClient tx, int limit) {
    return tx.preparedQuery(READY).execute(Tuple.of(limit)).map(rows -> {
      List<Parked> out = new ArrayList<>();
      for (Row r : rows) {
        ErpOrderStatusChanged s = new ErpOrderStatusChanged(r.getString("order_id"), r.getString("erp_order_number"),
            ErpOrderStatusChanged.Status.valueOf(r.getString("status")), r.getLong("sequence"), r.getString("reason"),
            r.getOffsetDateTime("at").toInstant());
        out.add(new Parked(r.getUUID("event_id"), r.getOffsetDateTime("occurred_at").toInstant(),
            r.getString("correlation_id"), s));
      }
      return out;
    });
  }

  static Future<Void> remove(SqlClient tx, Parked p) {
    return tx.preparedQuery(REMOVE).execute(Tuple.of(p.status().orderId(), p.eventId())).mapEmpty();
  }

  /** Deletes statuses parked too long, in batches: {@code purge(pool, registry).run(hours)}. */
  public static ExpiryPurge purge(Pool pool, MeterRegistry registry) {
    return new ExpiryPurge(pool, "erp_status_parked", EXPIRED, registry);
  }
}
