package io.tidegate.orders;

import io.tidegate.http.ApiFailure;
import io.tidegate.http.CorrelationId;
import io.tidegate.http.Responses;
import io.tidegate.kafka.EventPublisher;
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
 * Every replay is logged with the operator's correlation id (the audit trail).
 */
public final class DeadLetterAdmin {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterAdmin.class);
  private static final int REPLAY_ALL_CAP = 1000;

  private final DeadLetterRepository deadLetters;
  private final EventPublisher publisher;
  private final EventCodec codec;

  public DeadLetterAdmin(DeadLetterRepository deadLetters, EventPublisher publisher, EventCodec codec) {
    this.deadLetters = deadLetters;
    this.publisher = publisher;
    this.codec = codec;
  }

  /** {@code GET /admin/dlq/orders?channel=&limit=}. */
  public Handler<RoutingContext> list() {
    return rc -> deadLetters.list(first(rc, "channel"), limit(rc))
        .onSuccess(list -> Responses.json(rc, 200, new JsonObject().put("deadLetters", list).toBuffer()))
        .onFailure(e -> rc.fail(unavailable(e)));
  }

  /** {@code POST /admin/dlq/orders/{orderId}/replay}. */
  public Handler<RoutingContext> replayOne() {
    return rc -> {
      String orderId = rc.pathParam("orderId");
      deadLetters.openOrders(null, orderId, 1)
          .recover(e -> Future.failedFuture(unavailable(e)))
          .compose(found -> found.isEmpty()
              ? Future.failedFuture(new ApiFailure.NotFound("No pending dead letter for order " + orderId))
              : replay(found, CorrelationId.of(rc)))
          .onSuccess(ids -> answer(rc, ids))
          .onFailure(rc::fail);
    };
  }

  /** {@code POST /admin/dlq/orders/replay?channel=}: at most 1,000 per call, oldest first. */
  public Handler<RoutingContext> replayAll() {
    return rc -> deadLetters.openOrders(first(rc, "channel"), null, REPLAY_ALL_CAP)
        .recover(e -> Future.failedFuture(unavailable(e)))
        .compose(found -> replay(found, CorrelationId.of(rc)))
        .onSuccess(ids -> answer(rc, ids))
        .onFailure(rc::fail);
  }

  private Future<List<String>> replay(JsonArray orders, String correlationId) {
    List<String> ids = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < orders.size(); i++) {
      JsonObject order = orders.getJsonObject(i);
      chain = chain.compose(v -> replayOne(order, correlationId)).map(id -> {
        ids.add(id);
        return null;
      });
    }
    return chain.map(v -> ids);
  }

  private Future<String> replayOne(JsonObject data, String correlationId) {
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
        .map(marked -> {
          LOG.info("AUDIT admin replayed dead-lettered order {} of channel {} correlationId={}", order.orderId(),
              order.channel(), correlationId);
          return order.orderId();
        });
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

  private static String first(RoutingContext rc, String name) {
    List<String> values = rc.queryParam(name);
    return values.isEmpty() ? null : values.get(0);
  }

  private static int limit(RoutingContext rc) {
    String value = first(rc, "limit");
    return value == null ? 100 : Integer.parseInt(value);
  }

  private static Throwable unavailable(Throwable e) {
    return e instanceof ApiFailure ? e : new ApiFailure.DependencyUnavailable("The dead-letter store is unavailable", 2);
  }
}
