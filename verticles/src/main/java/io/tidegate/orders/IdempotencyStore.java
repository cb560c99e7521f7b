package io.tidegate.orders;

import io.tidegate.http.ApiFailure;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidegate.ops.ThrottledWarning;
import io.tidegate.store.ExpiryPurge;
import io.tidegate.store.GroupedStatement;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotency keys in PostgreSQL, scoped per channel, shared by every gateway instance.
 *
 * <p>{@link #begin} claims a key atomically (one INSERT ... ON CONFLICT): the first request gets
 * {@link Claim.Started}; a concurrent or later one with the same key gets the stored answer
 * ({@link Claim.Replay}; intake completes the key with its 202 in
 * {@code OrderRepository#recordIntake}), {@link Claim.Reused} for a different body, or {@link Claim.InUse} while
 * the first is still in flight. An expired key is claimed afresh. A claim still IN_FLIGHT after the
 * lease (its instance died) is taken over by a retry with the same body; the derived order id
 * ({@link OrderIds}) keeps that retry from becoming a second order.
 */
public final class IdempotencyStore {

  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyStore.class);
  private static final ThrottledWarning UNAVAILABLE = new ThrottledWarning(LOG, "idempotency store unavailable: {}");
  private static final ThrottledWarning NOT_RELEASED = new ThrottledWarning(LOG,
      "idempotency key not released ({}); it frees itself after the lease");
  private static final long RETRY_AFTER_SECONDS = 2;

  static final String CLAIM = """
      INSERT INTO idempotency_keys AS k (channel, key, request_hash, order_id, state, created_at, expires_at)
      VALUES ($1, $2, $3, $4, 'IN_FLIGHT', now(), now() + make_interval(hours => $5))
      ON CONFLICT (channel, key) DO UPDATE
        SET request_hash = EXCLUDED.request_hash, order_id = EXCLUDED.order_id, state = 'IN_FLIGHT',
            response = NULL, created_at = now(), expires_at = EXCLUDED.expires_at
        WHERE k.expires_at < now()
           OR (k.state = 'IN_FLIGHT' AND k.request_hash = EXCLUDED.request_hash
               AND k.created_at < now() - make_interval(secs => $6))
      RETURNING order_id""";
  static final String READ = "SELECT request_hash, state, response FROM idempotency_keys WHERE channel = $1 AND key = $2";
  static final String ABANDON = "DELETE FROM idempotency_keys WHERE channel = $1 AND key = $2 AND state = 'IN_FLIGHT'";
  /** An expired key, for {@link ExpiryPurge}. */
  static final String EXPIRED = "expires_at < now()";

  /** The outcome of claiming a key. */
  public sealed interface Claim {
    record Started() implements Claim { }
    record Replay(JsonObject response) implements Claim { }
    record Reused() implements Claim { }
    record InUse() implements Claim { }
  }

  private final Pool pool;
  private final GroupedStatement claim;
  private final int retentionHours;
  private final int leaseSeconds;

  public IdempotencyStore(Pool pool, int retentionHours, int leaseSeconds) {
    this.pool = pool;
    this.claim = new GroupedStatement(pool, CLAIM);
    this.retentionHours = retentionHours;
    this.leaseSeconds = leaseSeconds;
  }

  public Future<Claim> begin(String channel, String key, String requestHash, String orderId) {
    return claim.execute(Tuple.of(channel, key, requestHash, orderId, retentionHours, leaseSeconds))
        .compose(claimed -> claimed.size() > 0
            ? Future.<Claim>succeededFuture(new Claim.Started())
            : pool.preparedQuery(READ).execute(Tuple.of(channel, key)).map(rows -> held(rows, requestHash)))
        .recover(IdempotencyStore::unavailable);
  }

  /** Forgets a claim whose request failed, so that the client may retry with the same key. */
  public Future<Void> abandon(String channel, String key) {
    return pool.preparedQuery(ABANDON).execute(Tuple.of(channel, key)).<Void>mapEmpty()
        .onFailure(e -> NOT_RELEASED.warn(e.toString()));
  }

  /** Deletes expired keys, in batches: {@code purge(pool, registry).run()}. */
  public static ExpiryPurge purge(Pool pool, MeterRegistry registry) {
    return new ExpiryPurge(pool, "idempotency_keys", EXPIRED, registry);
  }

  private static Claim held(RowSet<Row> rows, String requestHash) {
    if (rows.size() == 0) {
      return new Claim.InUse(); // released between our two statements: the client may retry at once
    }
    Row row = rows.iterator().next();
    if (!requestHash.equals(row.getString("request_hash"))) {
      return new Claim.Reused();
    }
    return "COMPLETED".equals(row.getString("state"))
        ? new Claim.Replay(row.getJsonObject("response"))
        : new Claim.InUse();
  }

  private static <T> Future<T> unavailable(Throwable e) {
    UNAVAILABLE.warn(e.toString());
    return Future.failedFuture(new ApiFailure.DependencyUnavailable(
        "The order store is unavailable; nothing was accepted", RETRY_AFTER_SECONDS));
  }
}
