package io.tidegate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidegate.dev.TestStack;
import io.tidegate.orders.ErpStatusParking;
import io.tidegate.orders.IdempotencyStore;
import io.tidegate.pricing.QuoteRepository;
import io.tidegate.store.ExpiryPurge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Expired rows leave PostgreSQL in bounded batches that keep up with a peak's worth of rows, two
 * instances purging at once do not wait on each other or count a row twice, and the quote store
 * keeps an expired quote for its retention (for audits) and no longer; so does the parking of ERP
 * statuses whose order never came.
 */
class ExpiryPurgeTest {

  private static final String TABLE = "purge_" + UUID.randomUUID().toString().replace("-", "");

  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Pool pool;

  @BeforeEach
  void connect() {
    pool = TestStack.get().pool(vertx);
  }

  @AfterEach
  void close() {
    pool.query("DROP TABLE IF EXISTS " + TABLE).execute().await();
    vertx.close().await();
  }

  @Test
  void aPassDeletesEveryExpiredRowInBatchesAndKeepsTheRest() {
    // 25,000 expired rows: three batches in one pass (a pass of one 10,000-row batch fell behind
    // a table that filled faster than that a minute)
    createTable(25_000, 300);
    ExpiryPurge purge = new ExpiryPurge(pool, TABLE, "expires_at < now()", registry);

    assertEquals(25_000L, purge.run().await());
    assertEquals(300L, count());
    assertEquals(0L, purge.run().await());
    assertEquals(25_000.0, registry.get("gateway_store_rows_purged_total").tag("table", TABLE).counter().count());
  }

  @Test
  void twoInstancesPurgingAtOnceDeleteEachRowOnce() {
    createTable(30_000, 0);
    ExpiryPurge one = new ExpiryPurge(pool, TABLE, "expires_at < now()", registry);
    ExpiryPurge other = new ExpiryPurge(pool, TABLE, "expires_at < now()", new SimpleMeterRegistry());

    Future<Long> a = one.run();
    Future<Long> b = other.run();
    assertEquals(30_000L, a.await() + b.await());
    assertEquals(0L, count());
  }

  @Test
  void anExpiredQuoteIsKeptForItsRetentionThenDeleted() {
    Migrations.apply(vertx, pool).await();
    QuoteRepository quotes = new QuoteRepository(pool);
    Instant now = Instant.now();
    String live = QuoteRepository.newQuoteId(now);
    String retained = QuoteRepository.newQuoteId(now);
    String old = QuoteRepository.newQuoteId(now);
    String channel = "purge-" + UUID.randomUUID();
    quotes.insert(live, channel, null, "{\"quoteId\":\"" + live + "\"}", now, now.plusSeconds(900)).await();
    quotes.insert(retained, channel, null, "{}", now.minus(Duration.ofHours(3)), now.minus(Duration.ofHours(1)))
        .await();
    quotes.insert(old, channel, null, "{}", now.minus(Duration.ofHours(30)), now.minus(Duration.ofHours(25)))
        .await();

    assertTrue(QuoteRepository.purge(pool, registry).run(24).await() >= 1);

    assertEquals(live, quotes.find(live, channel).await().getString("quoteId"));
    assertNull(quotes.find(retained, channel).await(), "an expired quote cannot be named by an order");
    assertEquals(1L, countQuote(retained), "but kept within its retention");
    assertEquals("{}", quotes.findKept(retained, channel, 24).await(), "and read to explain it");
    assertNull(quotes.findKept(retained, channel, 0).await(), "not past the retention, purged or not");
    assertEquals(0L, countQuote(old), "and deleted after it");
  }

  @Test
  void anExpiredIdempotencyKeyIsDeletedAndALiveOneKept() {
    Migrations.apply(vertx, pool).await();
    String channel = "purge-" + UUID.randomUUID();
    pool.preparedQuery("INSERT INTO idempotency_keys (channel, key, request_hash, order_id, state, created_at, expires_at)"
        + " VALUES ($1, 'old', 'h', 'o1', 'COMPLETED', now() - interval '2 days', now() - interval '1 day'),"
        + " ($1, 'live', 'h', 'o2', 'COMPLETED', now(), now() + interval '1 day')")
        .execute(Tuple.of(channel)).await();

    assertTrue(IdempotencyStore.purge(pool, registry).run().await() >= 1);

    assertEquals(List.of("live"), pool.preparedQuery("SELECT key FROM idempotency_keys WHERE channel = $1")
        .execute(Tuple.of(channel)).await().stream().map(r -> r.getString(0)).toList());
  }

  @Test
  void anErpStatusParkedLongerThanItsRetentionIsDeletedAndARecentOneKept() {
    Migrations.apply(vertx, pool).await();
    String order = "purge-" + UUID.randomUUID();
    pool.preparedQuery("INSERT INTO erp_status_parked (order_id, event_id, status, sequence, at, occurred_at,"
        + " correlation_id, parked_at) VALUES ($1, $2, 'BOOKED', 1, now(), now(), 'c', now() - interval '25 hours'),"
        + " ($1, $3, 'RELEASED', 2, now(), now(), 'c', now() - interval '23 hours')")
        .execute(Tuple.of(order, UUID.randomUUID(), UUID.randomUUID())).await();

    assertTrue(ErpStatusParking.purge(pool, registry).run(24).await() >= 1);

    assertEquals(List.of("RELEASED"), pool.preparedQuery("SELECT status FROM erp_status_parked WHERE order_id = $1")
        .execute(Tuple.of(order)).await().stream().map(r -> r.getString(0)).toList());
  }

  private void createTable(int expired, int live) {
    pool.query("CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, expires_at timestamptz NOT NULL)").execute().await();
    pool.query("INSERT INTO " + TABLE + " SELECT g, now() - interval '1 minute' FROM generate_series(1, " + expired
        + ") g").execute().await();
    pool.query("INSERT INTO " + TABLE + " SELECT g, now() + interval '1 hour' FROM generate_series(" + (expired + 1)
        + ", " + (expired + live) + ") g").execute().await();
  }

  private long count() {
    return pool.query("SELECT count(*) FROM " + TABLE).execute().await().iterator().next().getLong(0);
  }

  private long countQuote(String quoteId) {
    return pool.preparedQuery("SELECT count(*) FROM quotes WHERE quote_id = $1")
        .execute(Tuple.of(quoteId)).await().iterator().next().getLong(0);
  }
}
