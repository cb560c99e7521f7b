package io.tidegate.dev.erp;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The simulated ERP's memory: orders by orderId, POST counts and counters. In memory only.
 * Confined to the simulator's event loop (single writer, no locks); each order is an immutable
 * {@link Entry} swapped whole.
 */
final class ErpLedger {

  static final String RECEIVED = "RECEIVED";
  static final String REJECTED = "REJECTED";
  static final String CANCELLED = "CANCELLED";
  /** Statuses after which the ERP no longer cancels an order. */
  static final Set<String> FINAL_FOR_CANCEL = Set.of("SHIPPED", "INVOICED", REJECTED, CANCELLED);

  /** Counters of {@code GET /sim/stats}; the JSON name is {@link #json}. */
  enum Stat {
    POSTS("posts"), REPLAYS("replays"), REJECTED_429("rejected429"), FAILED_500("failed500"),
    DOWN_503("down503"), BAD_REQUEST_400("badRequest400"), REFUSED_422("refused422"),
    TIMEOUTS_HELD("timeoutsHeld"), REPLAY_BODY_MISMATCHES("replayBodyMismatches"),
    DUPLICATES_CREATED("duplicatesCreated"), EVENTS_PUBLISHED("eventsPublished"),
    EVENTS_FAILED("eventsFailed");

    final String json;

    Stat(String json) {
      this.json = json;
    }
  }

  /** One status in an order's history. {@code sequence} is 0 for the initial status. */
  record Step(String status, Instant at, int sequence) {
    JsonObject toJson() {
      return new JsonObject().put("status", status).put("at", at.toString()).put("sequence", sequence);
    }
  }

  /**
   * What the ERP holds for one orderId: the answer given to the first accepted POST (replayed
   * byte for byte), the order as first received, and the status history.
   */
  record Entry(String orderId, String erpOrderNumber, String status, String reason,
               int httpStatus, Buffer response, JsonObject order, String correlationId,
               Instant createdAt, List<Step> history) {

    int lastSequence() {
      return history.get(history.size() - 1).sequence();
    }

    Entry advance(String newStatus, Instant at) {
      return advance(newStatus, reason, at);
    }

    Entry advance(String newStatus, String why, Instant at) {
      List<Step> h = new ArrayList<>(history);
      h.add(new Step(newStatus, at, lastSequence() + 1));
      return new Entry(orderId, erpOrderNumber, newStatus, why, httpStatus, response, order,
          correlationId, createdAt, List.copyOf(h));
    }
  }

  private final Map<String, Entry> orders = new LinkedHashMap<>();
  private final Map<String, Integer> postsByKey = new HashMap<>();
  private final Set<String> everCreated = new HashSet<>();
  private final EnumMap<Stat, Long> counters = new EnumMap<>(Stat.class);
  private long nextErpNumber = 1;

  void count(Stat stat) {
    counters.merge(stat, 1L, Long::sum);
  }

  /** Counts a POST attempt, also per Idempotency-Key when one was sent. */
  void countPost(String idempotencyKey) {
    count(Stat.POSTS);
    if (idempotencyKey != null) {
      postsByKey.merge(idempotencyKey, 1, Integer::sum);
    }
  }

  Entry find(String orderId) {
    return orders.get(orderId);
  }

  int posts(String orderId) {
    return postsByKey.getOrDefault(orderId, 0);
  }

  /** Books a new ERP order. Creating an orderId a second time is counted as a duplicate. */
  Entry create(JsonObject order, String correlationId, Instant now) {
    String orderId = order.getString("orderId");
    if (!everCreated.add(orderId)) {
      count(Stat.DUPLICATES_CREATED);
    }
    String erpOrderNumber = String.format("ERP-%06d", nextErpNumber++);
    Buffer response = new JsonObject().put("erpOrderNumber", erpOrderNumber)
        .put("orderId", orderId).put("status", RECEIVED).toBuffer();
    return put(new Entry(orderId, erpOrderNumber, RECEIVED, null, 201, response, order.copy(),
        correlationId, now, List.of(new Step(RECEIVED, now, 0))));
  }

  /** Records a permanent refusal; a repeat of the orderId gets the same 422. */
  Entry refuse(JsonObject order, String reason, String correlationId, Instant now) {
    count(Stat.REFUSED_422);
    String orderId = order.getString("orderId");
    Buffer response = new JsonObject().put("orderId", orderId).put("status", REJECTED)
        .put("reason", reason).toBuffer();
    return put(new Entry(orderId, null, REJECTED, reason, 422, response, order.copy(),
        correlationId, now, List.of(new Step(REJECTED, now, 1))));
  }

  Entry advance(String orderId, String status, Instant now) {
    return put(orders.get(orderId).advance(status, now));
  }

  /** Cancels an order (as the ERP's customer service would); its progression stops. */
  Entry cancel(String orderId, String reason, Instant now) {
    return put(orders.get(orderId).advance(CANCELLED, reason, now));
  }

  private Entry put(Entry entry) {
    orders.put(entry.orderId(), entry);
    return entry;
  }

  /** {@code GET /orders/{orderId}}. */
  JsonObject view(Entry e) {
    JsonArray history = new JsonArray();
    e.history().forEach(s -> history.add(s.toJson()));
    return new JsonObject()
        .put("orderId", e.orderId())
        .put("erpOrderNumber", e.erpOrderNumber())
        .put("status", e.status())
        .put("reason", e.reason())
        .put("posts", posts(e.orderId()))
        .put("correlationId", e.correlationId())
        .put("createdAt", e.createdAt().toString())
        .put("history", history)
        .put("order", e.order());
  }

  /** {@code GET /sim/orders}: every order the ERP holds, in creation order. */
  JsonArray list() {
    JsonArray out = new JsonArray();
    orders.values().forEach(e -> out.add(new JsonObject()
        .put("orderId", e.orderId())
        .put("erpOrderNumber", e.erpOrderNumber())
        .put("posts", posts(e.orderId()))
        .put("status", e.status())));
    return out;
  }

  /** {@code GET /sim/stats}. {@code orders} = distinct orders created (refusals not included). */
  JsonObject stats() {
    JsonObject out = new JsonObject().put("orders", everCreated.size());
    for (Stat s : Stat.values()) {
      out.put(s.json, counters.getOrDefault(s, 0L));
    }
    return out;
  }
}
