package io.tidegate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidegate.dev.TestStack;
import io.tidegate.store.GroupedStatement;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link GroupedStatement} against the real PostgreSQL of the test stack: concurrent callers on
 * one event loop share statements and commits, each finds its own row in its batch's result on its
 * own context, a failing statement fails its whole batch, and the waiting queue is bounded.
 */
class GroupedStatementTest {

  private static final String TABLE = "grouped_" + UUID.randomUUID().toString().replace("-", "");
  private static final String INSERT = "INSERT INTO " + TABLE + " (id, n) SELECT * FROM unnest($1::text[], $2::int[])"
      + " RETURNING id, n * 10";

  private final Vertx vertx = Vertx.vertx();
  private Pool pool;

  @BeforeEach
  void createTable() {
    pool = TestStack.get().pool(vertx);
    pool.query("CREATE TABLE " + TABLE + " (id text PRIMARY KEY, n int NOT NULL CHECK (n >= 0), note text)").execute().await();
  }

  @AfterEach
  void close() {
    pool.query("DROP TABLE IF EXISTS " + TABLE).execute().await();
    vertx.close().await();
  }

  @Test
  void concurrentCallersShareCommitsAndEachFindsItsOwnRow() throws Exception {
    GroupedStatement insert = insert(16, 1000);
    List<Integer> results = onEventLoop(ctx -> concurrentCallers(ctx, 200,
        n -> insert.execute(Tuple.of("k" + n, n)).map(rows -> ownRow(rows, "k" + n))));
    for (int i = 0; i < 200; i++) {
      assertEquals(i * 10, results.get(i), "caller " + i + " got another statement's result");
    }
    assertEquals(200L, count());
    long transactions = transactions();
    // One at a time would be 200 transactions; batches of up to 16 need at least 13.
    assertTrue(transactions >= 13 && transactions < 100, "200 inserts took " + transactions + " transactions");
  }

  @Test
  void asColumnsRunsEachBatchAsOneStatementWithOneArrayPerColumn() throws Exception {
    GroupedStatement insert = GroupedStatement.asColumns(pool, "INSERT INTO " + TABLE + " (id, n, note)"
        + " SELECT * FROM unnest($1::text[], $2::int[], $3::text[])", 64, 1, 1000,
        String.class, Integer.class, String.class);
    List<Integer> rowCounts = onEventLoop(ctx -> concurrentCallers(ctx, 200,
        n -> insert.execute(Tuple.of("k" + n, n, n % 3 == 0 ? null : "note " + n)).map(RowSet::rowCount)));
    assertEquals(200L, count());
    assertEquals(67L, pool.query("SELECT count(*) FROM " + TABLE + " WHERE note IS NULL").execute().await()
        .iterator().next().getLong(0), "null arguments are stored as NULL");
    assertEquals(1L, pool.query("SELECT count(*) FROM " + TABLE + " WHERE id = 'k7' AND n = 7 AND note = 'note 7'")
        .execute().await().iterator().next().getLong(0), "each caller's values stay in one row");
    long transactions = transactions();
    assertTrue(transactions >= 4 && transactions < 100, "200 inserts took " + transactions + " transactions");
    // every caller is told how many rows its batch's one statement inserted: the batch sizes add up
    int statements = 0;
    int rows = 0;
    for (int i = 0; i < rowCounts.size(); i += rowCounts.get(i)) {
      statements++;
      rows += rowCounts.get(i);
    }
    assertEquals(200, rows);
    assertEquals(transactions, statements);
    // off an event loop (no lane to group on) a call runs alone, with arrays of one
    assertEquals(1, insert.execute(Tuple.of("alone", 1, null)).await().rowCount());
  }

  @Test
  void aFailingStatementFailsItsBatchAndTheNextBatchRunsAlone() throws Exception {
    GroupedStatement insert = insert(16, 1000);
    List<String> outcomes = onEventLoop(ctx -> {
      Future<RowSet<Row>> first = insert.execute(Tuple.of("a", 1)); // goes out alone
      Future<RowSet<Row>> good = insert.execute(Tuple.of("b", 2)); // waits: batched with the bad one
      Future<RowSet<Row>> bad = insert.execute(Tuple.of("c", -1)); // violates the CHECK
      return Future.join(first, good, bad).transform(ar -> Future.succeededFuture(List.of(
          first.succeeded() ? "ok" : "failed", good.succeeded() ? "ok" : "failed", bad.succeeded() ? "ok" : "failed")))
          .compose(r -> insert.execute(Tuple.of("d", 4)).map(rows -> {
            List<String> all = new ArrayList<>(r);
            all.add("after:" + ownRow(rows, "d"));
            return all;
          }));
    });
    assertEquals(List.of("ok", "failed", "failed", "after:40"), outcomes);
    assertEquals(2L, count(), "the batch's transaction was rolled back as a whole");
  }

  @Test
  void theWaitingQueueIsBoundedAndRefusesAtOnce() throws Exception {
    GroupedStatement insert = insert(4, 3);
    List<Throwable> refused = onEventLoop(ctx -> {
      List<Future<RowSet<Row>>> all = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        all.add(insert.execute(Tuple.of("q" + i, i))); // 1 in flight + 3 waiting; the last 2 are refused
      }
      return Future.join(new ArrayList<>(all)).transform(ar -> Future.succeededFuture(
          all.stream().filter(Future::failed).map(Future::cause).toList()));
    });
    assertEquals(2, refused.size());
    refused.forEach(e -> assertInstanceOf(GroupedStatement.Saturated.class, e));
    assertEquals(4L, count());
  }

  /**
   * {@code callers} concurrent calls, each started and continued on its own duplicate of the event
   * loop's context, as HTTP requests are; a result delivered on another context fails the call.
   */
  private static <T> Future<List<T>> concurrentCallers(Context eventLoop, int callers,
                                                       java.util.function.IntFunction<Future<T>> call) {
    List<Future<T>> all = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      Context request = ((io.vertx.core.internal.ContextInternal) eventLoop).duplicate();
      int n = i;
      all.add(Future.<T>future(p -> request.runOnContext(v -> call.apply(n).onComplete(ar -> {
        if (Vertx.currentContext() != request) {
          p.fail("result delivered on another context");
        } else {
          p.handle(ar);
        }
      }))));
    }
    return Future.all(all).map(f -> f.<T>list());
  }

  private <T> T onEventLoop(Function<Context, Future<T>> body) throws Exception {
    java.util.concurrent.CompletableFuture<T> result = new java.util.concurrent.CompletableFuture<>();
    vertx.deployVerticle(new AbstractVerticle() {
      @Override
      public void start() {
        body.apply(context).onComplete(ar -> {
          if (ar.succeeded()) {
            result.complete(ar.result());
          } else {
            result.completeExceptionally(ar.cause());
          }
        });
      }
    }).await();
    return result.get(30, TimeUnit.SECONDS);
  }

  private GroupedStatement insert(int maxBatch, int maxWaiting) {
    return GroupedStatement.asColumns(pool, INSERT, maxBatch, 1, maxWaiting, String.class, Integer.class);
  }

  /** The {@code n * 10} of the row with this id in a batch's result. */
  private static int ownRow(RowSet<Row> rows, String id) {
    for (Row row : rows) {
      if (row.getString(0).equals(id)) {
        return row.getInteger(1);
      }
    }
    throw new AssertionError("no row for " + id + " in its batch's result");
  }

  private long count() {
    return pool.query("SELECT count(*) FROM " + TABLE).execute().await().iterator().next().getLong(0);
  }

  /** Transactions that inserted the rows: each row's xmin is its inserting transaction's id. */
  private long transactions() {
    return pool.query("SELECT count(DISTINCT xmin::text) FROM " + TABLE).execute().await().iterator().next()
        .getLong(0);
  }
}
