package io.tidegate.orders;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What operators ask the status store: how many orders are in each status, how many are
 * dead-lettered, which ones are stuck, and for a time window how many were accepted, posted to the
 * ERP and acknowledged by it. Read-only; every query uses an index on the intake time or the open
 * dead letters.
 */
public final class OrderReport {

  /** Orders not yet accepted by the ERP, and not yet booked, older than the given seconds. */
  static final String STUCK_COUNTS = """
      SELECT count(*) FILTER (WHERE status_rank < 10 AND created_at < now() - make_interval(secs => $1)) AS unsubmitted,
             count(*) FILTER (WHERE created_at < now() - make_interval(secs => $2)) AS unbooked
      FROM orders WHERE status_rank < 20""";
  static final String SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
  static final String BY_STATUS = "SELECT status, count(*) AS n FROM orders GROUP BY status";
  static final String DLQ_DEPTH = "SELECT count(*) FROM dead_letters WHERE replayed_at IS NULL";
  /** ERP statuses parked longer than {@code $1} seconds: their order is not in the store. */
  static final String UNMATCHED = "SELECT count(*) FROM erp_status_parked WHERE parked_at < now() - make_interval(secs => $1)";
  /** A parked ERP status waits seconds, normally; after this, its order is missing. */
  static final Duration UNMATCHED_AFTER = Duration.ofMinutes(5);
  static final String WINDOW = """
      SELECT count(*) AS accepted,
             count(*) FILTER (WHERE status_rank >= 10) AS posted,
             count(*) FILTER (WHERE status_rank BETWEEN 20 AND 59) AS booked,
             count(*) FILTER (WHERE status = 'REJECTED') AS rejected,
             count(*) FILTER (WHERE status = 'CANCELLED') AS cancelled,
             count(*) FILTER (WHERE status = 'FAILED') AS failed,
             count(*) FILTER (WHERE status = 'ACCEPTED') AS awaiting_post,
             count(*) FILTER (WHERE status = 'SUBMITTED') AS awaiting_ack
      FROM orders WHERE created_at >= $1 AND created_at < $2""";
  static final String STUCK = """
      SELECT order_id, channel, external_id, status, created_at, updated_at,
             extract(epoch FROM now() - created_at)::bigint AS age_seconds
      FROM orders
      WHERE status_rank < 20 AND created_at >= $1 AND created_at < $2
        AND ((status_rank < 10 AND created_at < now() - make_interval(secs => $3))
             OR created_at < now() - make_interval(secs => $4))
      ORDER BY created_at LIMIT $5""";

  private final Pool pool;
  private final Duration unsubmittedAfter;
  private final Duration unbookedAfter;

  public OrderReport(Pool pool, Duration unsubmittedAfter, Duration unbookedAfter) {
    this.pool = pool;
    this.unsubmittedAfter = unsubmittedAfter;
    this.unbookedAfter = unbookedAfter;
  }

  /**
   * Counts for the metrics: orders per status, open dead letters, stuck orders per stage, ERP
   * statuses whose order has not arrived after {@link #UNMATCHED_AFTER}.
   */
  public Future<Snapshot> snapshot() {
    Future<Map<String, Long>> byStatus = pool.query(BY_STATUS).execute().map(rows -> {
      Map<String, Long> counts = new LinkedHashMap<>();
      rows.forEach(row -> counts.put(row.getString("status"), row.getLong("n")));
      return counts;
    });
    Future<Long> dlq = pool.query(DLQ_DEPTH).execute().map(rows -> rows.iterator().next().getLong(0));
    Future<Row> stuck = pool.preparedQuery(STUCK_COUNTS)
        .execute(Tuple.of(unsubmittedAfter.toSeconds(), unbookedAfter.toSeconds()))
        .map(rows -> rows.iterator().next());
    Future<Long> unmatched = pool.preparedQuery(UNMATCHED).execute(Tuple.of(UNMATCHED_AFTER.toSeconds()))
        .map(rows -> rows.iterator().next().getLong(0));
    return Future.all(byStatus, dlq, stuck, unmatched).map(all -> new Snapshot(byStatus.result(), dlq.result(),
        stuck.result().getLong("unsubmitted"), stuck.result().getLong("unbooked"), unmatched.result()));
  }

  /**
   * Orders taken in {@code [from, to)}: accepted by the gateway vs posted to the ERP (it answered the
   * POST: SUBMITTED or any later status, REJECTED included) vs booked by it (BOOKED, RELEASED, SHIPPED
   * or INVOICED), the rest by where they wait, and the oldest stuck ones (at most {@code limit}) with
   * their age.
   */
  public Future<JsonObject> reconcile(Instant from, Instant to, int limit) {
    OffsetDateTime start = OffsetDateTime.ofInstant(from, ZoneOffset.UTC);
    OffsetDateTime end = OffsetDateTime.ofInstant(to, ZoneOffset.UTC);
    // One snapshot for both queries, so the stuck list and the counts agree.
    return pool.withTransaction(tx -> tx.query(SNAPSHOT).execute()
        .compose(v -> tx.preparedQuery(WINDOW).execute(Tuple.of(start, end)))
        .map(rows -> rows.iterator().next())
        .compose(counts -> tx.preparedQuery(STUCK).execute(Tuple.of(start, end, unsubmittedAfter.toSeconds(),
            unbookedAfter.toSeconds(), limit)).map(rows -> report(from, to, counts, rows))));
  }

  private JsonObject report(Instant from, Instant to, Row c, RowSet<Row> stuckRows) {
    JsonArray stuck = new JsonArray();
    for (Row row : stuckRows) {
      stuck.add(new JsonObject()
          .put("orderId", row.getString("order_id"))
          .put("channel", row.getString("channel"))
          .put("externalId", row.getString("external_id"))
          .put("status", row.getString("status"))
          .put("acceptedAt", row.getOffsetDateTime("created_at").toInstant().toString())
          .put("updatedAt", row.getOffsetDateTime("updated_at").toInstant().toString())
          .put("ageSeconds", row.getLong("age_seconds"))
          .put("stuckAt", row.getString("status").equals("SUBMITTED") ? "awaiting ERP booking"
              : "awaiting ERP acceptance"));
    }
    return new JsonObject()
        .put("from", from.toString())
        .put("to", to.toString())
        .put("accepted", c.getLong("accepted"))
        .put("postedToErp", c.getLong("posted"))
        .put("bookedByErp", c.getLong("booked"))
        .put("rejectedByErp", c.getLong("rejected"))
        .put("cancelled", c.getLong("cancelled"))
        .put("deadLettered", c.getLong("failed"))
        .put("awaitingPost", c.getLong("awaiting_post"))
        .put("awaitingBooking", c.getLong("awaiting_ack"))
        .put("stuckAfter", new JsonObject()
            .put("unsubmittedSeconds", unsubmittedAfter.toSeconds())
            .put("unbookedSeconds", unbookedAfter.toSeconds()))
        .put("stuck", stuck);
  }

  /** What {@link #snapshot()} read. */
  public record Snapshot(Map<String, Long> byStatus, long deadLettered, long unsubmitted, long unbooked,
                         long unmatchedErpStatuses) {
  }
}
