package io.tidegate.orders;

import io.tidegate.http.ApiFailure;
import io.tidegate.ops.ThrottledWarning;
import io.tidegate.schemas.events.OrderAccepted;
import io.tidegate.schemas.events.OrderStatus;
import io.tidegate.store.GroupedStatement;
import io.tidegate.store.StoreGuard;
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
import java.util.ArrayList;
import java.util.List;
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
  private static final ThrottledWarning BATCH_FAILED = new ThrottledWarning(LoggerFactory.getLogger(OrderRepository.class),
      "a batch of order intakes was not recorded ({}); recording its orders one by one");
  private static final long RETRY_AFTER_SECONDS = 2;

  static final String INSERT_HISTORY = """
      INSERT INTO order_status_history (order_id, status, rank, at, detail, event_id)
      VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT DO NOTHING""";
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
  static final String HEAD = "SELECT channel, status, erp_sequence FROM orders WHERE order_id = $1";
  static final String SET_ERP_SEQUENCE = """
      UPDATE orders SET erp_sequence = $2 WHERE order_id = $1 AND (erp_sequence IS NULL OR erp_sequence < $2)""";
  /**
   * The order rows and ACCEPTED entries of new orders, read from a CTE {@code i} (order_id,
   * channel, external_id, customer_id, body as JSON text, at, event_id), for the two writers of
   * new orders: intake right after the Kafka ack ({@link #RECORD_INTAKES}) and the status projector
   * from {@code orders.accepted.v1} ({@link #RECORD_ACCEPTED}). Whichever comes second does nothing.
   *
   * <p>Both take their locks in this one order, so that they cannot deadlock on each other: all
   * order rows first, by order id, then all their history entries, by order id. PostgreSQL runs a
   * data-modifying WITH that nothing reads <em>after</em> the main statement; reading {@code o}
   * makes the history wait for the order rows. (When intake's history insert ran first, it and the
   * projector deadlocked: {@code deadlock detected (40P01)} in test logs, leaving the key IN_FLIGHT,
   * so the client's replay got 409 instead of its 202.)
   */
  private static final String NEW_ORDERS = """
      o AS (
        INSERT INTO orders (order_id, channel, external_id, customer_id, status, status_rank, body, created_at, updated_at)
        SELECT order_id, channel, external_id, customer_id, 'ACCEPTED', 0, body::jsonb, at, at
        FROM i ORDER BY order_id COLLATE "C"
        ON CONFLICT (order_id) DO NOTHING
        RETURNING order_id),
      h AS (
        INSERT INTO order_status_history (order_id, status, rank, at, detail, event_id)
        SELECT order_id, 'ACCEPTED', 0, at, NULL, event_id FROM i, (SELECT count(*) FROM o) AS order_rows_first
        ORDER BY order_id COLLATE "C"
        ON CONFLICT DO NOTHING
        RETURNING order_id)
      """;
  /**
   * Intake's write after the Kafka ack, for the orders of one batch ({@link GroupedStatement}): the
   * {@link #NEW_ORDERS} rows, then each idempotency key completed with the 202 to replay (reading
   * {@code h} makes the keys come last). One statement and one commit for the batch.
   */
  static final String RECORD_INTAKES = """
      WITH i AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
                             $7::text[], $8::text[], $9::uuid[])
          AS t (order_id, channel, external_id, customer_id, body, at, response, key, event_id)),
      """ + NEW_ORDERS + """
      UPDATE idempotency_keys k SET state = 'COMPLETED', response = i.response::jsonb
      FROM i, (SELECT count(*) FROM h) AS history_rows_first
      WHERE k.channel = i.channel AND k.key = i.key AND k.state = 'IN_FLIGHT'""";
  /**
   * The projector's write of the new orders of one poll ({@code orders.accepted.v1}): the
   * {@link #NEW_ORDERS} rows, in one statement. Applied one by one (three statements and round
   * trips per order), the projector fell behind intake at about a thousand orders a second.
   */
  static final String RECORD_ACCEPTED = """
      WITH i AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::uuid[])
          AS t (order_id, channel, external_id, customer_id, body, at, event_id)),
      """ + NEW_ORDERS + """
      SELECT count(*) FROM h""";
  /**
   * Moves each order of {@code $1} to the highest-ranked status in its history, whatever order the
   * events came in, if that ranks above its own. Returns a row per order that moves;
   * {@code booked_after} is the seconds from intake when this move is the one that takes the order
   * past BOOKED (rank 20) for the first time.
   */
  static final String REFRESH_STATUSES = """
      UPDATE orders o SET status = h.status, status_rank = h.rank, updated_at = greatest(o.updated_at, h.at)
      FROM (SELECT DISTINCT ON (order_id) order_id, status, rank, at FROM order_status_history
            WHERE order_id = ANY($1::text[]) ORDER BY order_id, rank DESC, at DESC) h,
           orders prior
      WHERE o.order_id = h.order_id AND prior.order_id = h.order_id AND h.rank > o.status_rank
      RETURNING CASE WHEN prior.status_rank < 20 AND h.rank BETWEEN 20 AND 59
                     THEN extract(epoch FROM h.at - o.created_at)::float8 END AS booked_after""";

  private final Pool pool;
  private final StoreGuard guard;
  private final GroupedStatement intakes;

  /** For the background writers (status projector, ERP poster) and tests: no deadline, see {@link StoreGuard#unguarded}. */
  public OrderRepository(Pool pool) {
    this(pool, StoreGuard.unguarded());
  }

  /** A store whose intake record and order reads, which a client waits on, go through {@code guard}. */
  public OrderRepository(Pool pool, StoreGuard guard) {
    this.pool = pool;
    this.guard = guard;
    this.intakes = GroupedStatement.asColumns(pool, RECORD_INTAKES, 256, 1, 512, String.class, String.class,
        String.class, String.class, String.class, OffsetDateTime.class, String.class, String.class, UUID.class);
  }

  /** An accepted order as the projector records it: the event's data and the event's id. */
  public record NewOrder(OrderAccepted order, JsonObject body, UUID eventId) {
  }

  /**
   * Records accepted orders, each with its row and its ACCEPTED history entry, in two statements
   * for all of them ({@link #RECORD_ACCEPTED}, {@link #REFRESH_STATUSES}).
   *
   * @return the seconds from intake to booking of each order these rows got booked (see {@link Recorded})
   */
  public Future<List<Double>> recordAccepted(SqlClient client, List<NewOrder> news) {
    int n = news.size();
    String[] ids = new String[n];
    String[] channels = new String[n];
    String[] externalIds = new String[n];
    String[] customers = new String[n];
    String[] bodies = new String[n];
    OffsetDateTime[] ats = new OffsetDateTime[n];
    UUID[] eventIds = new UUID[n];
    for (int i = 0; i < n; i++) {
      OrderAccepted order = news.get(i).order();
      ids[i] = order.orderId();
      channels[i] = order.channel();
      externalIds[i] = order.externalId();
      customers[i] = order.customerId();
      bodies[i] = news.get(i).body().encode();
      ats[i] = utc(order.acceptedAt());
      eventIds[i] = news.get(i).eventId();
    }
    return client.preparedQuery(RECORD_ACCEPTED)
        .execute(Tuple.of(ids, channels, externalIds, customers, bodies, ats).addValue(eventIds))
        .compose(inserted -> client.preparedQuery(REFRESH_STATUSES).execute(Tuple.of(ids)))
        .map(moved -> {
          List<Double> booked = new ArrayList<>();
          moved.forEach(row -> {
            if (row.getDouble("booked_after") != null) {
              booked.add(row.getDouble("booked_after"));
            }
          });
          return booked;
        });
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
      return new Head(row.getString("channel"), OrderStatus.valueOf(row.getString("status")),
          row.getLong("erp_sequence"));
    });
  }

  /** Notes the sequence of an ERP status record applied to the order (kept only if higher). */
  public Future<Void> recordErpSequence(SqlClient client, String orderId, long sequence) {
    return client.preparedQuery(SET_ERP_SEQUENCE).execute(Tuple.of(orderId, sequence)).mapEmpty();
  }

  /**
   * An order's channel, current status and the highest sequence of the ERP status records applied
   * to it (null before the first).
   */
  public record Head(String channel, OrderStatus status, Long erpSequence) {
  }

  /**
   * Records an order intake made durable: in a batch with the other orders of this event loop that
   * come at the same time ({@link #RECORD_INTAKES}), or on its own when that batch failed (a
   * deadlock, a value PostgreSQL refuses in another order of the batch), so that one order can
   * never cost the others their record.
   */
  public Future<Void> recordIntake(OrderAccepted order, JsonObject body, UUID eventId, JsonObject response) {
    Tuple row = Tuple.from(new Object[] {order.orderId(), order.channel(), order.externalId(), order.customerId(),
        body.encode(), utc(order.acceptedAt()), response.encode(), order.idempotencyKey(), eventId});
    return guard.call(() -> intakes.execute(row).<Void>mapEmpty().recover(batchFailed -> {
      BATCH_FAILED.warn(batchFailed.toString());
      return intakes.executeAlone(row).mapEmpty();
    }));
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
    return erp.compose(added -> client.preparedQuery(REFRESH_STATUSES).execute(Tuple.of(new String[] {orderId}))
        .map(rows -> new Recorded(added, rows.size() == 0 ? null : rows.iterator().next().getDouble("booked_after"))));
  }

  /** The status rank the store holds for the order, or -1 if it has no row yet. */
  public Future<Integer> statusRank(String orderId) {
    return pool.preparedQuery(STATUS_RANK).execute(Tuple.of(orderId))
        .map(rows -> rows.size() == 0 ? -1 : rows.iterator().next().getInteger(0));
  }

  /** The channel's order with its history, or null (unknown or another channel's). */
  public Future<JsonObject> find(String channel, String orderId) {
    return guard.call(() -> pool.preparedQuery(FIND).execute(Tuple.of(orderId, channel)))
        .map(OrderRepository::toJson)
        .map(list -> list.isEmpty() ? null : list.getJsonObject(0))
        .recover(OrderRepository::unavailable);
  }

  /** The channel's orders with this external id, newest first (at most 100). */
  public Future<JsonArray> findByExternalId(String channel, String externalId) {
    return guard.call(() -> pool.preparedQuery(FIND_BY_EXTERNAL).execute(Tuple.of(channel, externalId)))
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
