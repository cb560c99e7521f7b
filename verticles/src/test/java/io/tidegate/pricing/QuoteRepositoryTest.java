package io.tidegate.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidegate.http.ApiFailure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With the database unreachable, storing or reading a quote fails fast as DEPENDENCY_UNAVAILABLE
 * with Retry-After; quote ids are time-ordered.
 */
class QuoteRepositoryTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void anUnreachableDatabaseIsDependencyUnavailableWithRetryAfter() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1).setMaxWaitQueueSize(4)
            .setConnectionTimeout(2000).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
        .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(closedPort).setDatabase("x")
            .setUser("x").setPassword("x"))
        .using(vertx).build();
    QuoteRepository quotes = new QuoteRepository(pool);
    Instant now = Instant.now();
    assertUnavailable(quotes.insert("q-1", "webshop", null, "{}", now, now.plusSeconds(60)));
    assertUnavailable(quotes.find("q-1", "webshop"));
  }

  @Test
  void quoteIdsAreVersion7UuidsOrderedByTheirMillisecond() {
    Instant t = Instant.parse("2026-12-03T10:00:00.123Z");
    UUID id = UUID.fromString(QuoteRepository.newQuoteId(t));
    assertEquals(7, id.version());
    assertEquals(2, id.variant());
    assertEquals(t.toEpochMilli(), id.getMostSignificantBits() >>> 16);
    // a later millisecond sorts after, as text too (the primary key's order): new quotes append to the index
    String earlier = QuoteRepository.newQuoteId(t);
    String later = QuoteRepository.newQuoteId(t.plusMillis(1));
    assertTrue(earlier.compareTo(later) < 0, earlier + " vs " + later);
    assertNotEquals(QuoteRepository.newQuoteId(t), QuoteRepository.newQuoteId(t), "74 random bits");
  }

  private static void assertUnavailable(Future<?> f) {
    Throwable cause = f.transform(ar -> Future.succeededFuture(ar.cause())).await();
    ApiFailure failure = assertInstanceOf(ApiFailure.class, cause);
    assertEquals(503, failure.status());
    assertEquals("DEPENDENCY_UNAVAILABLE", failure.code());
    assertEquals(2, failure.retryAfterSeconds());
  }
}
