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
 * One SQL statement run for many concurrent callers in shared round trips (group commit).
 *
 * <p>A call goes out at once while fewer than {@code maxInFlight} executions of the statement are
 * under way from its event loop; otherwise it waits, and when an execution comes back, everything
 * waiting (up to {@code maxBatch}) goes out as one pipelined batch: one round trip and one commit
 * for all of them. An idle gateway therefore adds no latency, and a busy one pays the database's
 * per-transaction and per-message cost once per batch instead of once per request.
 *
 * <p>The statements of one batch share a transaction: if one fails, all of them fail, and each
 * caller gets the failure (the callers here answer it with a 503 and the client retries). Use it
 * only for statements that do not fail one by one in normal operation (inserts with unique
 * generated keys, {@code ON CONFLICT} upserts).
 *
 * <p>Waiting callers are bounded by {@code maxWaiting} per event loop; beyond it a call fails at
 * once. Each event loop has its own queue, touched only by its own thread. Vert.x runs every HTTP
 * request on its own duplicate of the event loop's context, so the queue is keyed by the underlying
 * context ({@code ContextInternal.unwrap}, Vert.x's internal API: the public one has no such key),
 * and each caller's result is delivered on the caller's own duplicate, as with
 * {@link Pool#preparedQuery}.
 *
 * <p>A batch goes to the database in one of two shapes. By default as a pipelined batch of the
 * statement, one execution per caller, each caller getting its own execution's rows. Made with
 * {@link #asColumns}, the whole batch is <em>one</em> execution: the callers' arguments are turned
 * into one array per column (the statement reads them with {@code unnest}), which costs the
 * database one parse, one plan and one executor start per batch instead of per caller. Every
 * caller then gets the same (whole batch's) result; use it for inserts whose callers need no rows.
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

  public GroupedStatement(Pool pool, String sql, int maxBatch, int maxInFlight, int maxWaiting) {
    this(pool, sql, maxBatch, maxInFlight, maxWaiting, null);
  }

  private GroupedStatement(Pool pool, String sql, int maxBatch, int maxInFlight, int maxWaiting,
                           Class<?>[] columns) {
    if (maxBatch < 1 || maxInFlight < 1 || maxWaiting < 0) {
      throw new IllegalArgumentException("maxBatch and maxInFlight must be >= 1, maxWaiting >= 0");
    }
    this.pool = pool;
    this.sql = sql;
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
    this.maxWaiting = maxWaiting;
    this.columns = columns;
  }

  /**
   * A statement run once per batch with one array parameter per column: {@code $n} is an array of
   * the n-th argument of every caller, of type {@code columns[n-1]} (e.g. {@code String.class} for
   * a {@code text[]}, {@code OffsetDateTime.class} for a {@code timestamptz[]}). For example
   * {@code INSERT INTO t (a, b) SELECT * FROM unnest($1::text[], $2::int[])}. Callers pass one
   * value per column, as they would to the one-row statement.
   */
  public static GroupedStatement asColumns(Pool pool, String sql, int maxBatch, int maxInFlight, int maxWaiting,
                                           Class<?>... columns) {
    if (columns.length == 0) {
      throw new IllegalArgumentException("at least one column");
    }
    return new GroupedStatement(pool, sql, maxBatch, maxInFlight, maxWaiting, columns.clone());
  }

  /** Defaults for a gateway instance: batches of up to 64, two in flight per event loop, 512 waiting. */
  public GroupedStatement(Pool pool, String sql) {
    this(pool, sql, 64, 2, 512);
  }

  /** This caller's result, as {@code pool.preparedQuery(sql).execute(args)} would give it. */
  public Future<RowSet<Row>> execute(Tuple args) {
    Context current = Vertx.currentContext();
    if (!(current instanceof ContextInternal caller) || !current.isEventLoopContext()) {
      return run(List.of(new Waiting(args, null))); // no event loop to group on
    }
    return lanes.computeIfAbsent(caller.unwrap(), c -> new Lane(c)).submit(args, caller);
  }

  private Future<RowSet<Row>> run(List<Waiting> batch) {
    if (columns != null) {
      return pool.preparedQuery(sql).execute(asArrays(batch));
    }
    if (batch.size() == 1) {
      return pool.preparedQuery(sql).execute(batch.get(0).args());
    }
    List<Tuple> args = new ArrayList<>(batch.size());
    batch.forEach(w -> args.add(w.args()));
    return pool.preparedQuery(sql).executeBatch(args);
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
          RowSet<Row> rows = done.result();
          for (Waiting w : batch) {
            w.result().complete(rows);
            if (columns == null) {
              rows = rows == null ? null : rows.next();
            }
          }
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
