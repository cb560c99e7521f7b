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
  private final ConcurrentMap<Context, Lane> lanes = new ConcurrentHashMap<>();

  public GroupedStatement(Pool pool, String sql, int maxBatch, int maxInFlight, int maxWaiting) {
    if (maxBatch < 1 || maxInFlight < 1 || maxWaiting < 0) {
      throw new IllegalArgumentException("maxBatch and maxInFlight must be >= 1, maxWaiting >= 0");
    }
    this.pool = pool;
    this.sql = sql;
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
    this.maxWaiting = maxWaiting;
  }

  /** Defaults for a gateway instance: batches of up to 64, two in flight per event loop, 512 waiting. */
  public GroupedStatement(Pool pool, String sql) {
    this(pool, sql, 64, 2, 512);
  }

  /** This caller's result, as {@code pool.preparedQuery(sql).execute(args)} would give it. */
  public Future<RowSet<Row>> execute(Tuple args) {
    Context current = Vertx.currentContext();
    if (!(current instanceof ContextInternal caller) || !current.isEventLoopContext()) {
      return pool.preparedQuery(sql).execute(args); // no event loop to group on
    }
    return lanes.computeIfAbsent(caller.unwrap(), c -> new Lane(c)).submit(args, caller);
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
      Future<RowSet<Row>> sent;
      if (batch.size() == 1) {
        sent = pool.preparedQuery(sql).execute(batch.get(0).args());
      } else {
        List<Tuple> args = new ArrayList<>(batch.size());
        batch.forEach(w -> args.add(w.args()));
        sent = pool.preparedQuery(sql).executeBatch(args);
      }
      sent.onComplete(done -> {
        inFlight--;
        if (done.succeeded()) {
          RowSet<Row> rows = done.result();
          for (Waiting w : batch) {
            w.result().complete(rows);
            rows = rows == null ? null : rows.next();
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
