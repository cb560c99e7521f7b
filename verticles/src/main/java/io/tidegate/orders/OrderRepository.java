package io.tidegate.orders;

import io.tidegate.http.ApiFailure;
import io.tidegate.ops.ThrottledWarning;
import io.tidegate.schemas.events.OrderAccepted;
import io.tidegate.schemas.events.OrderStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.slf4j.LoggerFactory;

/**
 * The order status store (PostgreSQL): one row per order plus its status history. Written by the
 * status projector from the order topics (and directly by intake right after the Kafka ack, so that
 * {@code statusUrl} answers at once); every write is idempotent: a history entry is keyed by order
 * id and event id, and a status is recorded once per order (FAILED and an operator's replay note
 * excepted; see migration V6), so copies of one status change with different event ids add nothing.
 */
public final class OrderRepository {

  private static final ThrottledWarning UNAVAILABLE =
      new ThrottledWarning(LoggerFactory.getLogger(OrderRepository.class), "order store unavailable: {}");
  private static final long RETRY_AFTER_SECONDS = 2;

  static final String INSERT_ORDER = """
      INSERT INTO orders (order_id, channel, external_id, customer_id, status, status_rank, body, created_at, updated_at)
      VALUES ($1, $2, $3, $4, 'ACCEPTED', 0, $5, $6, $6)
      ON CONFLICT (order_id) DO NOTHING""";
  static final String INSERT_HISTORY = """
      INSERT INTO order_status_history (order_id, status, rank, at, detail, event_id)
      VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT DO NOTHING""";
  /**
   * Moves the order to the highest-ranked status in its history, whatever order events came in.
   * Returns a row only when the order moves; {@code booked_after} is the seconds from intake when
   * this move is the one that takes it past BOOKED (rank 20) for the first time.
   */
  static final String REFRESH_STATUS = """
      UPDATE orders o SET status = h.status, status_rank = h.rank, updated_at = greatest(o.updated_at, h.at)
      FROM (SELECT status, rank, at FROM order_status_history WHERE order_id = $1
            ORDER BY rank DESC, at DESC LIMIT 1) h,
           (SELECT status_rank FROM orders WHERE order_id = $1) prior
      WHERE o.order_id = $1 AND h.rank > o.status_rank
      RETURNING CASE WHEN prior.status_rank < 20 AND h.rank BETWEEN 20 AND 59
                     THEN extract(epoch FROM h.at - o.created_at)::float8 END AS booked_after""";
  static final String SET_ERP_NUMBER = """
      UPDATE orders SET erp_order_number = $2 WHERE order_id = $1 AND erp_order_number IS DISTINCT FROM $2""";
  /**
   * An order with its history, oldest entry first, read in one statement: one snapshot, so the
   * status and the history always agree (read apart, a status change committed in between showed
   * BOOKED in the history of an order still ACCEPTED).
   */
  private static final String WITH_HISTORY = """
      SELECT o.order_id, o.external_id, o.customer_id, o.status, o.erp_order_number, o.body, o.created_at, o.updated_at,
             h.statuses, h.ats, h.details
      FROM orders o, LATERAL (
        SELECT array_agg(status ORDER BY at, rank) AS statuses, array_agg(at ORDER BY at, rank) AS ats,
               array_agg(detail ORDER BY at, rank) AS details
        FROM order_status_history WHERE order_id = o.order_id) h
      """;
  static final String FIND = WITH_HISTORY + "WHERE o.order_id = $1 AND o.channel = $2";
  static final String FIND_BY_EXTERNAL = WITH_HISTORY
      + "WHERE o.channel = $1 AND o.external_id = $2 ORDER BY o.created_at DESC LIMIT 100";
  static final String STATUS_RANK = "SELECT status_rank FROM orders WHERE order_id = $1";
  static final String HEAD = "SELECT channel, status FROM orders WHERE order_id = $1";
  /**
   * Intake's one round trip after the Kafka ack: the idempotency key completed with the 202 to
   * replay, the order row and its ACCEPTED entry (the projector writes the same rows from Kafka;
   * whichever comes second does nothing).
   *
   * <p>The rows are taken in the projector's order, order row first, then history: PostgreSQL runs
   * a data-modifying WITH that the main statement does not read <em>after</em> it, so when the
   * history insert was the main statement and the order insert an unread WITH, intake wrote the
   * history row first and the projector (order row first, several orders per transaction) could
   * deadlock with it (seen in test logs: {@code deadlock detected (40P01)}, leaving the key
   * IN_FLIGHT, so the client's replay got 409 instead of its 202). Reading {@code o} here makes it
   * run first; the key, read by no one, is completed last.
   */
  static final String RECORD_INTAKE = """
      WITH k AS (
        UPDATE idempotency_keys SET state = 'COMPLETED', response = $7
        WHERE channel = $2 AND key = $8 AND state = 'IN_FLIGHT'),
      o AS (
        INSERT INTO orders (order_id, channel, external_id, customer_id, status, status_rank, body, created_at, updated_at)
        VALUES ($1, $2, $3, $4, 'ACCEPTED', 0, $5, $6, $6)
        ON CONFLICT (order_id) DO NOTHING
        RETURNING order_id)
      INSERT INTO order_status_history (order_id, status, rank, at, detail, event_id)
      SELECT $1, 'ACCEPTED', 0, $6::timestamptz, NULL, $9::uuid FROM (SELECT count(*) FROM o) AS order_row_first
      ON CONFLICT DO NOTHING""";

  private final Pool pool;

  public OrderRepository(Pool pool) {
    this.pool = pool;
  }

  /** Records an accepted order: its row and its ACCEPTED history entry (event id = the OrderAccepted event's). */
  public Future<Void> recordAccepted(SqlClient client, OrderAccepted order, JsonObject body, UUID eventId) {
    OffsetDateTime at = utc(order.acceptedAt());
    return client.preparedQuery(INSERT_ORDER)
        .execute(Tuple.of(order.orderId(), order.channel(), order.externalId(), order.customerId(), body, at))
        .compose(r -> recordStatus(client, order.orderId(), OrderStatus.ACCEPTED, order.acceptedAt(), null, null,
            eventId)).mapEmpty();
  }

  /**
   * What {@link #recordStatus} did.
   *
   * @param added       the status is new in the order's history (not a copy of one recorded)
   * @param bookedAfter seconds from intake to booking when this status got the order booked, else null
   */
  public record Recorded(boolean added, Double bookedAfter) {
  }

  /** The order's channel and status, or null when the store has no row for it (yet). */
  public Future<Head> head(SqlClient client, String orderId) {
    return client.preparedQuery(HEAD).execute(Tuple.of(orderId)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new Head(row.getString("channel"), OrderStatus.valueOf(row.getString("status")));
    });
  }

  /** An order's channel and current status. */
  public record Head(String channel, OrderStatus status) {
  }

  /** See {@link #RECORD_INTAKE}: one statement, one round trip. */
  public Future<Void> recordIntake(OrderAccepted order, JsonObject body, UUID eventId, JsonObject response) {
    return pool.preparedQuery(RECORD_INTAKE).execute(Tuple.from(new Object[] {order.orderId(), order.channel(),
        order.externalId(), order.customerId(), body, utc(order.acceptedAt()), response, order.idempotencyKey(),
        eventId})).mapEmpty();
  }

  /** Appends a status to the order's history (unless recorded already) and moves the order to its highest-ranked status. */
  public Future<Recorded> recordStatus(SqlClient client, String orderId, OrderStatus status, Instant at, String detail,
                                       String erpOrderNumber, UUID eventId) {
    Future<Boolean> history = client.preparedQuery(INSERT_HISTORY)
        .execute(Tuple.of(orderId, status.name(), StatusRank.of(status), utc(at), detail, eventId))
        .map(rows -> rows.rowCount() > 0);
    Future<Boolean> erp = erpOrderNumber == null ? history
        : history.compose(added -> client.preparedQuery(SET_ERP_NUMBER).execute(Tuple.of(orderId, erpOrderNumber))
            .map(added));
    return erp.compose(added -> client.preparedQuery(REFRESH_STATUS).execute(Tuple.of(orderId))
        .map(rows -> new Recorded(added, rows.size() == 0 ? null : rows.iterator().next().getDouble("booked_after"))));
  }

  /** The status rank the store holds for the order, or -1 if it has no row yet. */
  public Future<Integer> statusRank(String orderId) {
    return pool.preparedQuery(STATUS_RANK).execute(Tuple.of(orderId))
        .map(rows -> rows.size() == 0 ? -1 : rows.iterator().next().getInteger(0));
  }

  /** The channel's order with its history, or null (unknown or another channel's). */
  public Future<JsonObject> find(String channel, String orderId) {
    return pool.preparedQuery(FIND).execute(Tuple.of(orderId, channel))
        .map(OrderRepository::toJson)
        .map(list -> list.isEmpty() ? null : list.getJsonObject(0))
        .recover(OrderRepository::unavailable);
  }

  /** The channel's orders with this external id, newest first (at most 100). */
  public Future<JsonArray> findByExternalId(String channel, String externalId) {
    return pool.preparedQuery(FIND_BY_EXTERNAL).execute(Tuple.of(channel, externalId))
        .map(OrderRepository::toJson)
        .recover(OrderRepository::unavailable);
  }

  private static JsonArray toJson(RowSet<Row> rows) {
    JsonArray out = new JsonArray();
    rows.forEach(row -> out.add(toJson(row)));
    return out;
  }

  private static JsonObject toJson(Row row) {
    JsonObject body = row.getJsonObject("body");
    JsonObject order = new JsonObject()
        .put("orderId", row.getString("order_id"))
        .put("customerId", row.getString("customer_id"))
        .put("status", row.getString("status"))
        .put("lines", body.getJsonArray("lines", new JsonArray()))
        .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString())
        .put("updatedAt", row.getOffsetDateTime("updated_at").toInstant().toString());
    if (row.getString("external_id") != null) {
      order.put("externalId", row.getString("external_id"));
    }
    if (row.getString("erp_order_number") != null) {
      order.put("erpOrderNumber", row.getString("erp_order_number"));
    }
    order.put("history", history(row));
    if (body.getString("currency") != null) {
      order.put("currency", body.getString("currency"));
    }
    if (body.getString("requestedDate") != null) {
      order.put("requestedDate", body.getString("requestedDate"));
    }
    return order;
  }

  /** The history columns of {@link #WITH_HISTORY}: null arrays for an order without entries. */
  private static JsonArray history(Row row) {
    JsonArray entries = new JsonArray();
    String[] statuses = row.getArrayOfStrings("statuses");
    if (statuses == null) {
      return entries;
    }
    OffsetDateTime[] ats = row.getArrayOfOffsetDateTimes("ats");
    String[] details = row.getArrayOfStrings("details");
    for (int i = 0; i < statuses.length; i++) {
      JsonObject entry = new JsonObject().put("status", statuses[i]).put("at", ats[i].toInstant().toString());
      if (details[i] != null) {
        entry.put("detail", details[i]);
      }
      entries.add(entry);
    }
    return entries;
  }

  private static <T> Future<T> unavailable(Throwable e) {
    if (e instanceof ApiFailure) {
      return Future.failedFuture(e);
    }
    UNAVAILABLE.warn(e.toString());
    return Future.failedFuture(new ApiFailure.DependencyUnavailable("The order store is unavailable",
        RETRY_AFTER_SECONDS));
  }

  static OffsetDateTime utc(Instant t) {
    return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }
}
