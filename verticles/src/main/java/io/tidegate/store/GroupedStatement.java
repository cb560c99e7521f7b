package io.tidegate.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.lang.reflect.Array;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One SQL statement run once for many concurrent callers (group commit).
 *
 * <p>A call goes out at once while fewer than {@code maxInFlight} executions of the statement are
 * under way from its event loop; otherwise it waits, and when an execution comes back, everything
 * waiting (up to {@code maxBatch}) goes out as <em>one</em> execution: one round trip, one plan
 * and one commit for all of them. An idle gateway therefore adds no latency, and a busy one pays
 * the database's per-statement and per-transaction cost once per batch instead of once per request.
 *
 * <p>The callers' arguments are turned into one array per column: {@code $n} is an array of the
 * n-th argument of every caller, of type {@code columns[n-1]} (e.g. {@code String.class} for a
 * {@code text[]}, {@code OffsetDateTime.class} for a {@code timestamptz[]}), read with
 * {@code unnest}, e.g. {@code INSERT INTO t (a, b) SELECT * FROM unnest($1::text[], $2::int[])}.
 * Callers pass one value per column, as they would to the one-row statement. Every caller gets
 * the whole batch's result; one that needs its own row finds it there (by a value only it passed,
 * as {@code IdempotencyStore} does with its claim token).
 *
 * <p>The callers of one batch share a statement and a transaction: if it fails, each of them gets
 * the failure (the callers here answer it with a 503, or write their row alone). Use it for
 * statements that do not fail for one row in normal operation (inserts with unique generated
 * keys, {@code ON CONFLICT} upserts whose batch names each key once).
 *
 * <p>Waiting callers are bounded by {@code maxWaiting} per event loop; beyond it a call fails at
 * once. Each event loop has its own queue, touched only by its own thread. Vert.x runs every HTTP
 * request on its own duplicate of the event loop's context, so the queue is keyed by the underlying
 * context ({@code ContextInternal.unwrap}, Vert.x's internal API: the public one has no such key),
 * and each caller's result is delivered on the caller's own duplicate, as with
 * {@link Pool#preparedQuery}.
 */
public final class GroupedStatement {

  /** The waiting queue of one event loop was full. */
  public static final class Saturated extends RuntimeException {
    Saturated(int waiting) {
      super("statement queue full (" + waiting + " waiting)", null, false, false);
    }
  }

  private final Pool pool;
  private final String sql;
  private final int maxBatch;
  private final int maxInFlight;
  private final int maxWaiting;
  private final Class<?>[] columns;
  private final ConcurrentMap<Context, Lane> lanes = new ConcurrentHashMap<>();

  private GroupedStatement(Pool pool, String sql, int maxBatch, int maxInFlight, int maxWaiting, Class<?>[] columns) {
    if (maxBatch < 1 || maxInFlight < 1 || maxWaiting < 0) {
      throw new IllegalArgumentException("maxBatch and maxInFlight must be >= 1, maxWaiting >= 0");
    }
    if (columns.length == 0) {
      throw new IllegalArgumentException("at least one column");
    }
    this.pool = pool;
    this.sql = sql;
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
    this.maxWaiting = maxWaiting;
    this.columns = columns.clone();
  }

  /** {@code sql} run once per batch, with one array parameter per column (see the class comment). */
  public static GroupedStatement asColumns(Pool pool, String sql, int maxBatch, int maxInFlight, int maxWaiting,
                                           Class<?>... columns) {
    return new GroupedStatement(pool, sql, maxBatch, maxInFlight, maxWaiting, columns);
  }

  /** The result of the batch this caller's arguments went out in. */
  public Future<RowSet<Row>> execute(Tuple args) {
    Context current = Vertx.currentContext();
    if (!(current instanceof ContextInternal caller) || !current.isEventLoopContext()) {
      return executeAlone(args); // no event loop to group on
    }
    return lanes.computeIfAbsent(caller.unwrap(), c -> new Lane(c)).submit(args, caller);
  }

  /** This caller's arguments as a batch of their own, sent at once (e.g. after its batch failed). */
  public Future<RowSet<Row>> executeAlone(Tuple args) {
    return run(List.of(new Waiting(args, null)));
  }

  private Future<RowSet<Row>> run(List<Waiting> batch) {
    return pool.preparedQuery(sql).execute(asArrays(batch));
  }

  private Tuple asArrays(List<Waiting> batch) {
    Tuple arrays = Tuple.tuple();
    for (int c = 0; c < columns.length; c++) {
      Object[] column = (Object[]) Array.newInstance(columns[c], batch.size());
      for (int i = 0; i < batch.size(); i++) {
        column[i] = batch.get(i).args().getValue(c);
      }
      arrays.addValue(column);
    }
    return arrays;
  }

  private record Waiting(Tuple args, Promise<RowSet<Row>> result) {
  }

  /** The statement's queue on one event loop; only that loop's thread touches it. */
  private final class Lane {
    private final Context context;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private int inFlight;

    Lane(Context context) {
      this.context = context;
    }

    Future<RowSet<Row>> submit(Tuple args, ContextInternal caller) {
      if (waiting.size() >= maxWaiting && inFlight >= maxInFlight) {
        return Future.failedFuture(new Saturated(waiting.size()));
      }
      Promise<RowSet<Row>> result = caller.promise();
      waiting.add(new Waiting(args, result));
      if (inFlight < maxInFlight) {
        send();
      }
      return result.future();
    }

    private void send() {
      List<Waiting> batch = new ArrayList<>(Math.min(waiting.size(), maxBatch));
      while (batch.size() < maxBatch && !waiting.isEmpty()) {
        batch.add(waiting.poll());
      }
      inFlight++;
      run(batch).onComplete(done -> {
        inFlight--;
        if (done.succeeded()) {
          batch.forEach(w -> w.result().complete(done.result()));
        } else {
          batch.forEach(w -> w.result().fail(done.cause()));
        }
        if (!waiting.isEmpty()) {
          send();
        } else if (inFlight == 0) {
          lanes.remove(context, this);
        }
      });
    }
  }
}
