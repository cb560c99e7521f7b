package io.tidegate.orders;

import io.tidegate.http.ApiFailure;
import io.tidegate.http.ApiOperation;
import io.tidegate.http.Responses;
import io.tidegate.kafka.EventPublisher;
import io.tidegate.ops.AuditLog;
import io.tidegate.schemas.events.EventCodec;
import io.tidegate.schemas.events.EventEnvelope;
import io.tidegate.schemas.events.EventType;
import io.tidegate.schemas.events.InvalidEventException;
import io.tidegate.schemas.events.OrderAccepted;
import io.tidegate.schemas.events.OrderStatus;
import io.tidegate.schemas.events.OrderStatusChanged;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API over dead-lettered orders: list them, replay one or all. A replay re-publishes the
 * order to {@code orders.accepted.v1} under the same order id (the ERP's idempotency key, so never
 * a second ERP order), records an ACCEPTED history entry saying so, and closes the dead letter.
 * Every replay is written to the audit log ({@link AuditLog}: who, which order, the outcome, the
 * operator's correlation id); a replay-all also gets one summary entry.
 */
public final class DeadLetterAdmin {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterAdmin.class);
  private static final int REPLAY_ALL_CAP = 1000;

  private final DeadLetterRepository deadLetters;
  private final EventPublisher publisher;
  private final EventCodec codec;
  private final AuditLog audit;

  public DeadLetterAdmin(DeadLetterRepository deadLetters, EventPublisher publisher, EventCodec codec,
                         AuditLog audit) {
    this.deadLetters = deadLetters;
    this.publisher = publisher;
    this.codec = codec;
    this.audit = audit;
  }

  /** {@code GET /admin/dlq/orders?channel=&limit=}. */
  public Handler<RoutingContext> list() {
    return rc -> deadLetters.list(ApiOperation.query(rc, "channel"), limit(rc))
        .onSuccess(list -> Responses.json(rc, 200, new JsonObject().put("deadLetters", list).toBuffer()))
        .onFailure(e -> rc.fail(unavailable(e)));
  }

  /** {@code POST /admin/dlq/orders/{orderId}/replay}. */
  public Handler<RoutingContext> replayOne() {
    return rc -> {
      String orderId = rc.pathParam("orderId");
      AuditLog.Actor actor = AuditLog.Actor.of(rc);
      deadLetters.openOrders(null, orderId, 1)
          .recover(e -> Future.failedFuture(unavailable(e)))
          .compose(found -> {
            if (found.isEmpty()) {
              audit.record(actor, "dlq.replay", "order/" + orderId, "not-found", null, null);
              return Future.failedFuture(new ApiFailure.NotFound("No pending dead letter for order " + orderId));
            }
            return replay(found, actor);
          })
          .onSuccess(ids -> answer(rc, ids))
          .onFailure(rc::fail);
    };
  }

  /** {@code POST /admin/dlq/orders/replay?channel=}: at most 1,000 per call, oldest first. */
  public Handler<RoutingContext> replayAll() {
    return rc -> {
      AuditLog.Actor actor = AuditLog.Actor.of(rc);
      String channel = ApiOperation.query(rc, "channel");
      deadLetters.openOrders(channel, null, REPLAY_ALL_CAP)
          .recover(e -> Future.failedFuture(unavailable(e)))
          .compose(found -> replay(found, actor))
          .onComplete(ar -> audit.record(actor, "dlq.replayAll", channel == null ? "all" : "channel/" + channel,
              ar.succeeded() ? "applied" : "failed", null,
              new JsonObject().put("replayed", ar.succeeded() ? ar.result().size() : 0)))
          .onSuccess(ids -> answer(rc, ids))
          .onFailure(rc::fail);
    };
  }

  private Future<List<String>> replay(JsonArray orders, AuditLog.Actor actor) {
    List<String> ids = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < orders.size(); i++) {
      JsonObject order = orders.getJsonObject(i);
      chain = chain.compose(v -> replayOne(order, actor)).map(id -> {
        ids.add(id);
        return null;
      });
    }
    return chain.map(v -> ids);
  }

  private Future<String> replayOne(JsonObject data, AuditLog.Actor actor) {
    String correlationId = actor.correlationId();
    EventEnvelope<OrderAccepted> event;
    try {
      event = decode(data, correlationId);
    } catch (InvalidEventException e) {
      LOG.error("dead letter of order {} cannot be replayed: {}", data.getString("orderId"), e.reason());
      return Future.failedFuture(new IllegalStateException("stored dead letter is not a valid order"));
    }
    OrderAccepted order = event.data();
    OrderStatusChanged note = new OrderStatusChanged(order.orderId(), order.channel(), OrderStatus.ACCEPTED,
        OrderStatus.FAILED, "replayed from the dead-letter queue by an operator", null, Instant.now());
    return publisher.publish(event)
        .compose(ack -> publisher.publish(EventEnvelope.of(EventType.ORDER_STATUS_CHANGED, correlationId,
            "tidegate-admin", note)))
        .compose(ack -> deadLetters.markReplayed(order.orderId()).recover(e -> Future.succeededFuture(false)))
        .onComplete(ar -> audit.record(actor, "dlq.replay", "order/" + order.orderId(),
            ar.succeeded() ? "applied" : "failed", new JsonObject().put("status", "FAILED").put("channel", order.channel()),
            ar.succeeded() ? new JsonObject().put("status", "ACCEPTED").put("topic", "orders.accepted.v1") : null))
        .map(marked -> order.orderId());
  }

  private EventEnvelope<OrderAccepted> decode(JsonObject data, String correlationId) throws InvalidEventException {
    return codec.decode(new JsonObject()
        .put("eventId", UUID.randomUUID().toString()).put("type", EventType.ORDER_ACCEPTED.typeName())
        .put("schemaVersion", EventType.ORDER_ACCEPTED.schemaVersion()).put("occurredAt", Instant.now().toString())
        .put("correlationId", correlationId).put("source", "tidegate-admin").put("data", data)
        .toBuffer().getBytes(), OrderAccepted.class);
  }

  private static void answer(RoutingContext rc, List<String> ids) {
    Responses.json(rc, 202, new JsonObject().put("replayed", ids.size()).put("orderIds", new JsonArray(ids))
        .toBuffer());
  }


  private static int limit(RoutingContext rc) {
    String value = ApiOperation.query(rc, "limit");
    return value == null ? 100 : Integer.parseInt(value);
  }

  private static Throwable unavailable(Throwable e) {
    return e instanceof ApiFailure ? e : new ApiFailure.DependencyUnavailable("The dead-letter store is unavailable", 2);
  }
}
