package io.tidegate.pricing;

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
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.LoggerFactory;

/**
 * Stored quotes ({@code quotes}, migrations V2, V5, V7): a quote is kept as it was answered (its JSON
 * text), scoped to the channel that asked. An order may name it until {@code valid_until}
 * ({@link #find}); it stays readable, to explain it, for {@code pricing.quoteRetentionHours} after
 * that ({@link #findKept}), and is then deleted by {@link #purge}. Concurrent inserts on one event loop
 * go to the database as one multi-row statement and one commit ({@link GroupedStatement#asColumns}),
 * at most one such statement per event loop at a time, so that a busy gateway makes big batches
 * rather than many small commits. Any database failure (down, pool wait
 * queue full, connect time-out) becomes {@link ApiFailure.DependencyUnavailable}: a fast 503 with
 * {@code Retry-After}.
 */
public final class QuoteRepository {

  /**
   * All quotes of a batch in one statement, one array per column. The body is stored as the JSON
   * text the client was sent, as {@code text}: as {@code jsonb}, PostgreSQL parsed and rebuilt every
   * body, which cost more CPU than the rest of the insert (V7).
   */
  static final String INSERT = "INSERT INTO quotes (quote_id, channel, customer_id, body, created_at, valid_until)"
      + " SELECT q, ch, cu, b, c, v"
      + " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[])"
      + " AS t (q, ch, cu, b, c, v)";
  static final String FIND = "SELECT body FROM quotes WHERE quote_id = $1 AND channel = $2 AND valid_until > now()";
  /** A quote valid or within its retention ({@code $3}: hours after {@code valid_until}), whether or not purged yet. */
  static final String FIND_KEPT = "SELECT body FROM quotes WHERE quote_id = $1 AND channel = $2"
      + " AND valid_until > now() - make_interval(hours => $3)";
  /** A quote past its retention ({@code $2}: hours after {@code valid_until}), for {@link ExpiryPurge}. */
  static final String EXPIRED = "valid_until < now() - make_interval(hours => $2)";
  private static final long RETRY_AFTER_SECONDS = 2;
  private static final ThrottledWarning UNAVAILABLE =
      new ThrottledWarning(LoggerFactory.getLogger(QuoteRepository.class), "quote store unavailable: {}");

  private final Pool pool;
  private final StoreGuard guard;
  private final GroupedStatement insert;

  /** A store without a deadline ({@link StoreGuard#unguarded}), for tests of its SQL. */
  public QuoteRepository(Pool pool) {
    this(pool, StoreGuard.unguarded());
  }

  /** A store whose every call a client waits on goes through {@code guard}. */
  public QuoteRepository(Pool pool, StoreGuard guard) {
    this.pool = pool;
    this.guard = guard;
    this.insert = GroupedStatement.asColumns(pool, INSERT, 256, 1, 512, String.class, String.class, String.class,
        String.class, OffsetDateTime.class, OffsetDateTime.class);
  }

  /**
   * A new quote id: a version-7 UUID (RFC 9562), whose leading 48 bits are the Unix time in
   * milliseconds, so that the ids of new quotes land at the right edge of the primary key's B-tree
   * instead of on random pages all over it (with random ids, a table of millions of quotes made
   * every insert touch a cold index page, and the quote rate fell as the table grew). The other
   * 74 bits are random. A quote id is no secret: a quote is only visible to the channel that asked.
   */
  public static String newQuoteId(Instant now) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = now.toEpochMilli() << 16 | 0x7000L | random.nextLong() & 0x0FFFL;
    long low = random.nextLong() & ~(0xC000L << 48) | 0x8000L << 48;
    return new UUID(high, low).toString();
  }

  /** Deletes quotes past their retention, in batches: {@code purge(pool, registry).run(retentionHours)}. */
  public static ExpiryPurge purge(Pool pool, MeterRegistry registry) {
    return new ExpiryPurge(pool, "quotes", EXPIRED, registry);
  }

  /** Stores a quote; {@code body} is its JSON text, as answered. */
  public Future<Void> insert(String quoteId, String channel, String customerId, String body, Instant createdAt,
                             Instant validUntil) {
    return guard.call(() -> insert.execute(Tuple.of(quoteId, channel, customerId, body, utc(createdAt), utc(validUntil))))
        .<Void>mapEmpty()
        .recover(QuoteRepository::unavailable);
  }

  /** A quote an order may name: its stored body, or null when unknown, expired or another channel's. */
  public Future<JsonObject> find(String quoteId, String channel) {
    return guard.call(() -> pool.preparedQuery(FIND).execute(Tuple.of(quoteId, channel)))
        .map(QuoteRepository::firstBody)
        .map(text -> text == null ? null : new JsonObject(text))
        .recover(QuoteRepository::unavailable);
  }

  /**
   * A quote as the JSON text it was answered with (to answer it again as it is), while valid or
   * within {@code retentionHours} after its {@code validUntil}; null when unknown, past that or
   * another channel's.
   */
  public Future<String> findKept(String quoteId, String channel, int retentionHours) {
    return guard.call(() -> pool.preparedQuery(FIND_KEPT).execute(Tuple.of(quoteId, channel, retentionHours)))
        .map(QuoteRepository::firstBody)
        .recover(QuoteRepository::unavailable);
  }

  private static String firstBody(RowSet<Row> rows) {
    return rows.size() == 0 ? null : rows.iterator().next().getString(0);
  }

  private static <T> Future<T> unavailable(Throwable e) {
    UNAVAILABLE.warn(e.toString());
    return Future.failedFuture(new ApiFailure.DependencyUnavailable("The quote store is unavailable",
        RETRY_AFTER_SECONDS));
  }

  private static OffsetDateTime utc(Instant t) {
    return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }
}
