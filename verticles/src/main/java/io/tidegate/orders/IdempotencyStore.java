package io.tidegate.orders;

import io.tidegate.http.ApiFailure;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidegate.ops.ThrottledWarning;
import io.tidegate.store.ExpiryPurge;
import io.tidegate.store.GroupedStatement;
import io.tidegate.store.StoreGuard;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotency keys in PostgreSQL, scoped per channel, shared by every gateway instance.
 *
 * <p>{@link #begin} claims a key atomically (INSERT ... ON CONFLICT, one statement for the requests
 * of a batch, see {@link #CLAIM}): the first request gets
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

  /**
   * The claims of one batch of requests ({@link GroupedStatement#asColumns}): one statement, one
   * plan and one commit for all of them, returning the token of each request that got its key.
   * Requests of one batch that name the same key (a client sending twice at once) propose one row
   * ({@code DISTINCT ON}): one of them gets the key, the others find it in flight. {@code %1$d} is
   * the retention in hours, {@code %2$d} the lease in seconds (numbers of this store's settings).
   */
  static final String CLAIM = """
      INSERT INTO idempotency_keys AS k (channel, key, request_hash, order_id, claim_token, state, created_at,
                                         expires_at)
      SELECT DISTINCT ON (channel, key) channel, key, request_hash, order_id, claim_token, 'IN_FLIGHT', now(),
             now() + make_interval(hours => %1$d)
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::uuid[])
        AS t (channel, key, request_hash, order_id, claim_token)
      ORDER BY channel, key
      ON CONFLICT (channel, key) DO UPDATE
        SET request_hash = EXCLUDED.request_hash, order_id = EXCLUDED.order_id, claim_token = EXCLUDED.claim_token,
            state = 'IN_FLIGHT', response = NULL, created_at = now(), expires_at = EXCLUDED.expires_at
        WHERE k.expires_at < now()
           OR (k.state = 'IN_FLIGHT' AND k.request_hash = EXCLUDED.request_hash
               AND k.created_at < now() - make_interval(secs => %2$d))
      RETURNING claim_token""";
  static final String READ = "SELECT request_hash, state, response FROM idempotency_keys WHERE channel = $1 AND key = $2";
  /**
   * Frees a claim only while this request still holds it: after its lease a retry may have taken the
   * key over (a new token), and that retry's claim is not this request's to free.
   */
  static final String ABANDON = "DELETE FROM idempotency_keys WHERE channel = $1 AND key = $2 AND state = 'IN_FLIGHT'"
      + " AND claim_token = $3";
  /** An expired key, for {@link ExpiryPurge}. */
  static final String EXPIRED = "expires_at < now()";

  /** The outcome of claiming a key. */
  public sealed interface Claim {
    /** This request holds the key; {@code token} names its claim, for {@link #abandon}. */
    record Started(UUID token) implements Claim { }
    record Replay(JsonObject response) implements Claim { }
    record Reused() implements Claim { }
    record InUse() implements Claim { }
  }

  private final Pool pool;
  private final StoreGuard guard;
  private final GroupedStatement claim;

  /** A store without a deadline ({@link StoreGuard#unguarded}), for tests of its SQL. */
  public IdempotencyStore(Pool pool, int retentionHours, int leaseSeconds) {
    this(pool, retentionHours, leaseSeconds, StoreGuard.unguarded());
  }

  /** A store whose claims go through {@code guard} (a client waits on each). */
  public IdempotencyStore(Pool pool, int retentionHours, int leaseSeconds, StoreGuard guard) {
    this.pool = pool;
    this.guard = guard;
    this.claim = GroupedStatement.asColumns(pool, CLAIM.formatted(retentionHours, leaseSeconds), 256, 1, 512,
        String.class, String.class, String.class, String.class, UUID.class);
  }

  public Future<Claim> begin(String channel, String key, String requestHash, String orderId) {
    UUID token = UUID.randomUUID();
    return guard.call(() -> claim.execute(Tuple.of(channel, key, requestHash, orderId, token))
            .compose(claimed -> claimedBy(claimed, token)
                ? Future.<Claim>succeededFuture(new Claim.Started(token))
                : pool.preparedQuery(READ).execute(Tuple.of(channel, key)).map(rows -> held(rows, requestHash))))
        .recover(IdempotencyStore::unavailable);
  }

  /** Whether the batch's claims returned this request's token. */
  private static boolean claimedBy(RowSet<Row> claimed, UUID token) {
    for (Row row : claimed) {
      if (token.equals(row.getUUID(0))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Forgets a claim whose request failed, so that the client may retry with the same key; a claim
   * another request has taken over since is left alone.
   */
  public Future<Void> abandon(String channel, String key, Claim.Started claim) {
    return pool.preparedQuery(ABANDON).execute(Tuple.of(channel, key, claim.token())).<Void>mapEmpty()
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
