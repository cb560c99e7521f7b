package io.tidegate.pricing;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The append-only history of price rule versions ({@code price_rule_versions}): every version the
 * feed applies is recorded once with who changed it and why; a replay of the feed inserts nothing
 * new ({@code ON CONFLICT DO NOTHING} on {@code (rule_id, version)}).
 *
 * <p>Writes are queued and sent as batches, one batch in flight at a time, so replaying thousands of
 * rules at start-up takes one pool connection and never floods the pool's wait queue (which quote
 * requests share). Not thread-safe: used only from the feed verticle's event loop.
 */
public final class PriceRuleHistory {

  static final String APPEND = "INSERT INTO price_rule_versions (rule_id, version, body, changed_by, reason)"
      + " VALUES ($1, $2::bigint, $3, $4, $5) ON CONFLICT (rule_id, version) DO NOTHING";
  private static final int BATCH = 500;

  private final Pool pool;
  private final ArrayDeque<Tuple> pending = new ArrayDeque<>();
  private Consumer<Throwable> onFailure = e -> { };
  private boolean writing;

  public PriceRuleHistory(Pool pool) {
    this.pool = pool;
  }

  /** Called with the cause when a batch could not be written (its versions are recorded again on the next replay). */
  public PriceRuleHistory onFailure(Consumer<Throwable> handler) {
    this.onFailure = handler;
    return this;
  }

  /** Queues one version; {@code body} is the event's {@code data} as published. */
  public void append(String ruleId, long version, JsonObject body, String changedBy, String reason) {
    pending.add(Tuple.of(ruleId, version, body, changedBy, reason));
    if (!writing) {
      writeNext();
    }
  }

  /** Versions queued and not yet written. */
  public int backlog() {
    return pending.size() + (writing ? 1 : 0);
  }

  private void writeNext() {
    if (pending.isEmpty()) {
      writing = false;
      return;
    }
    writing = true;
    List<Tuple> batch = new ArrayList<>(Math.min(BATCH, pending.size()));
    while (batch.size() < BATCH && !pending.isEmpty()) {
      batch.add(pending.poll());
    }
    Future<?> write = pool.preparedQuery(APPEND).executeBatch(batch);
    write.onComplete(ar -> {
      if (ar.failed()) {
        onFailure.accept(ar.cause());
      }
      writeNext();
    });
  }
}
