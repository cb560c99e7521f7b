package io.tidegate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.tidegate.dev.TestStack;
import io.tidegate.orders.IdempotencyStore;
import io.tidegate.orders.IdempotencyStore.Claim;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A claim left IN_FLIGHT past its lease (its instance stalled or died) is taken over by a retry with
 * the same body; when the stalled request then fails and frees its claim, the retry's claim stays.
 * A key lives for the configured retention.
 */
class IdempotencyLeaseTest {

  private final Vertx vertx = Vertx.vertx();
  private Pool pool;

  @BeforeEach
  void connect() {
    pool = TestStack.get().pool(vertx);
    Migrations.apply(vertx, pool).await();
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aStalledRequestThatFailsFreesOnlyItsOwnClaimNotTheRetryThatTookItOver() {
    IdempotencyStore keys = new IdempotencyStore(pool, 24, 0); // a lease of 0 s: any later retry takes over
    String channel = "lease-test";
    String key = UUID.randomUUID().toString();

    Claim.Started stalled = assertInstanceOf(Claim.Started.class, keys.begin(channel, key, "h1", "order-1").await());
    Claim.Started retry = assertInstanceOf(Claim.Started.class, keys.begin(channel, key, "h1", "order-1").await());
    assertNotEquals(stalled.token(), retry.token());

    keys.abandon(channel, key, stalled).await();
    assertEquals(1, inFlight(channel, key), "the retry still holds the key");
    assertInstanceOf(Claim.InUse.class, new IdempotencyStore(pool, 24, 3600).begin(channel, key, "h1", "order-1")
        .await(), "a third copy within a lease finds the key in use");

    keys.abandon(channel, key, retry).await();
    assertEquals(0, inFlight(channel, key), "the retry frees its own claim");
  }

  @Test
  void aKeyIsKeptForTheConfiguredRetention() {
    String channel = "retention-test";
    String key = UUID.randomUUID().toString();
    new IdempotencyStore(pool, 5, 60).begin(channel, key, "h1", "order-1").await();
    double hours = pool.preparedQuery("SELECT extract(epoch FROM expires_at - created_at) / 3600 FROM idempotency_keys"
        + " WHERE channel = $1 AND key = $2").execute(Tuple.of(channel, key)).await().iterator().next().getDouble(0);
    assertEquals(5.0, hours, 1e-6, "orders.idempotencyRetentionHours of 5");
  }

  private int inFlight(String channel, String key) {
    return pool.preparedQuery("SELECT count(*) FROM idempotency_keys WHERE channel = $1 AND key = $2"
        + " AND state = 'IN_FLIGHT'").execute(Tuple.of(channel, key)).await().iterator().next().getInteger(0);
  }
}
