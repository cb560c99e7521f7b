package io.tidegate.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

/**
 * Deletes the expired rows of one table in bounded batches, one statement (and one short
 * transaction) per batch, until a batch comes back short or {@code maxBatches} ran. A pass can thus
 * keep up with a table that fills at peak rate (10,000 rows a batch, 100 batches: a million rows a
 * pass) without one long transaction holding locks or bloating the WAL in one go.
 *
 * <p>The statement deletes at most {@code $1} rows and must skip rows another instance is deleting
 * ({@code FOR UPDATE SKIP LOCKED}), so that gateway instances purging at the same time do not wait
 * on each other: {@link #statement} builds it. Purged rows are counted in
 * {@code gateway_store_rows_purged_total{table}}.
 */
public final class ExpiryPurge {

  static final int BATCH = 10_000;
  static final int MAX_BATCHES = 100;

  private final Pool pool;
  private final String sql;
  private final Counter purged;

  /**
   * @param table   the table, as named in SQL and in the metric's label
   * @param expired the condition of an expired row; it may use {@code $2}, {@code $3}... bound from
   *                the arguments of {@link #run}
   */
  public ExpiryPurge(Pool pool, String table, String expired, MeterRegistry registry) {
    this.pool = pool;
    this.sql = statement(table, expired);
    this.purged = Counter.builder("gateway_store_rows_purged_total")
        .description("Rows deleted from PostgreSQL after their retention ended, by table")
        .tag("table", table).register(registry);
  }

  static String statement(String table, String expired) {
    return "DELETE FROM " + table + " WHERE ctid IN (SELECT ctid FROM " + table + " WHERE " + expired
        + " LIMIT $1 FOR UPDATE SKIP LOCKED)";
  }

  /** One pass; the number of rows it deleted. {@code args} binds {@code $2}, {@code $3}... */
  public Future<Long> run(Object... args) {
    Tuple tuple = Tuple.of(BATCH);
    for (Object a : args) {
      tuple.addValue(a);
    }
    return batch(tuple, 0, 0L);
  }

  private Future<Long> batch(Tuple tuple, int done, long total) {
    return pool.preparedQuery(sql).execute(tuple).map(RowSet::rowCount).compose(n -> {
      purged.increment(n);
      return n < BATCH || done + 1 >= MAX_BATCHES
          ? Future.succeededFuture(total + n)
          : batch(tuple, done + 1, total + n);
    });
  }
}
