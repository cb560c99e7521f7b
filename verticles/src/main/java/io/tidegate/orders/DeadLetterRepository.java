package io.tidegate.orders;

import io.tidegate.schemas.events.OrderDeadLettered;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;

/**
 * Dead-lettered orders (from {@code orders.dlq.v1}) awaiting an operator's replay. A later
 * dead-lettering of the same order (after a replay that failed again) reopens its entry.
 */
public final class DeadLetterRepository {

  static final String RECORD = """
      INSERT INTO dead_letters (order_id, channel, external_id, reason, attempts, last_error, body, dead_lettered_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      ON CONFLICT (order_id) DO UPDATE
        SET reason = EXCLUDED.reason, attempts = EXCLUDED.attempts, last_error = EXCLUDED.last_error,
            body = EXCLUDED.body, dead_lettered_at = EXCLUDED.dead_lettered_at, replayed_at = NULL
        WHERE dead_letters.dead_lettered_at < EXCLUDED.dead_lettered_at""";
  static final String LIST = """
      SELECT order_id, channel, external_id, reason, attempts, last_error, dead_lettered_at FROM dead_letters
      WHERE replayed_at IS NULL AND ($1::text IS NULL OR channel = $1)
      ORDER BY dead_lettered_at LIMIT $2""";
  static final String OPEN_BODIES = """
      SELECT order_id, body FROM dead_letters
      WHERE replayed_at IS NULL AND ($1::text IS NULL OR channel = $1) AND ($2::text IS NULL OR order_id = $2)
      ORDER BY dead_lettered_at LIMIT $3""";
  static final String MARK_REPLAYED = "UPDATE dead_letters SET replayed_at = now() WHERE order_id = $1 AND replayed_at IS NULL";

  private final Pool pool;

  public DeadLetterRepository(Pool pool) {
    this.pool = pool;
  }

  Future<Void> record(SqlClient client, OrderDeadLettered d, JsonObject order, Instant at) {
    return client.preparedQuery(RECORD).execute(Tuple.from(new Object[] {d.orderId(), d.channel(),
        d.order().externalId(), d.reason(), d.attempts(), d.lastError(), order,
        OrderRepository.utc(at)})).mapEmpty();
  }

  /** Open entries, oldest first, optionally of one channel. */
  public Future<JsonArray> list(String channel, int limit) {
    return pool.preparedQuery(LIST).execute(Tuple.of(channel, limit)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        JsonObject entry = new JsonObject().put("orderId", r.getString("order_id"))
            .put("channel", r.getString("channel")).put("reason", r.getString("reason"))
            .put("attempts", r.getInteger("attempts"))
            .put("deadLetteredAt", r.getOffsetDateTime("dead_lettered_at").toInstant().toString());
        if (r.getString("external_id") != null) {
          entry.put("externalId", r.getString("external_id"));
        }
        if (r.getString("last_error") != null) {
          entry.put("lastError", r.getString("last_error"));
        }
        out.add(entry);
      }
      return out;
    });
  }

  /** The stored orders (OrderAccepted data) of open entries: one ({@code orderId}) or all of a channel. */
  public Future<JsonArray> openOrders(String channel, String orderId, int limit) {
    return pool.preparedQuery(OPEN_BODIES).execute(Tuple.of(channel, orderId, limit)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(r.getJsonObject("body")));
      return out;
    });
  }

  public Future<Boolean> markReplayed(String orderId) {
    return pool.preparedQuery(MARK_REPLAYED).execute(Tuple.of(orderId)).map(r -> r.rowCount() > 0);
  }
}
