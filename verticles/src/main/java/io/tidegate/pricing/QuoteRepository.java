package io.tidegate.pricing;

import io.tidegate.http.ApiFailure;
import io.tidegate.store.GroupedStatement;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stored quotes ({@code quotes}, migration V2): a quote is kept as it was answered, scoped to the
 * channel that asked, and readable until {@code valid_until}. Concurrent inserts on one event loop
 * go to the database as one multi-row statement and one commit ({@link GroupedStatement#asColumns}),
 * at most one such statement per event loop at a time, so that a busy gateway makes big batches
 * rather than many small commits. Any database failure (down, pool wait
 * queue full, connect time-out) becomes {@link ApiFailure.DependencyUnavailable}: a fast 503 with
 * {@code Retry-After}.
 */
public final class QuoteRepository {

  /**
   * All quotes of a batch in one statement, one array per column. The body arrives as the JSON text
   * the client was sent (encoded once) and PostgreSQL parses it into {@code jsonb}.
   */
  static final String INSERT = "INSERT INTO quotes (quote_id, channel, customer_id, body, created_at, valid_until)"
      + " SELECT q, ch, cu, b::jsonb, c, v"
      + " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[])"
      + " AS t (q, ch, cu, b, c, v)";
  static final String FIND = "SELECT body FROM quotes WHERE quote_id = $1 AND channel = $2 AND valid_until > now()";
  private static final long RETRY_AFTER_SECONDS = 2;
  private static final Logger LOG = LoggerFactory.getLogger(QuoteRepository.class);

  private final Pool pool;
  private final GroupedStatement insert;

  public QuoteRepository(Pool pool) {
    this.pool = pool;
    this.insert = GroupedStatement.asColumns(pool, INSERT, 256, 1, 512, String.class, String.class, String.class,
        String.class, OffsetDateTime.class, OffsetDateTime.class);
  }

  /** Stores a quote; {@code body} is its JSON text, as answered. */
  public Future<Void> insert(String quoteId, String channel, String customerId, String body, Instant createdAt,
                             Instant validUntil) {
    return insert.execute(Tuple.of(quoteId, channel, customerId, body, utc(createdAt), utc(validUntil)))
        .<Void>mapEmpty()
        .recover(QuoteRepository::unavailable);
  }

  /** The stored quote body, or null when unknown, expired or another channel's. */
  public Future<JsonObject> find(String quoteId, String channel) {
    return pool.preparedQuery(FIND).execute(Tuple.of(quoteId, channel))
        .map(QuoteRepository::firstBody)
        .recover(QuoteRepository::unavailable);
  }

  private static JsonObject firstBody(RowSet<Row> rows) {
    return rows.size() == 0 ? null : rows.iterator().next().getJsonObject(0);
  }

  private static <T> Future<T> unavailable(Throwable e) {
    LOG.warn("quote store unavailable: {}", e.toString());
    return Future.failedFuture(new ApiFailure.DependencyUnavailable("The quote store is unavailable",
        RETRY_AFTER_SECONDS));
  }

  private static OffsetDateTime utc(Instant t) {
    return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }
}
