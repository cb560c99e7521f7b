package io.tidegate.orders;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidegate.http.ApiKeyAuth;
import io.tidegate.http.ApiOperation;
import io.tidegate.http.CorrelationId;
import io.tidegate.http.Responses;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /v1/orders}: 202 with {@code Location} only after the order is durable in Kafka;
 * a replay of an earlier 202 carries {@code Idempotent-Replayed: true}.
 */
public final class CreateOrderHandler implements Handler<RoutingContext> {

  private final OrderIntake intake;

  public CreateOrderHandler(OrderIntake intake) {
    this.intake = intake;
  }

  @Override
  public void handle(RoutingContext rc) {
    JsonNode tree = rc.get(ApiOperation.BODY);
    intake.accept(ApiKeyAuth.channel(rc).name(), rc.request().getHeader("Idempotency-Key"), tree,
            rc.body().asJsonObject(), CorrelationId.of(rc))
        .onSuccess(accepted -> {
          rc.response().putHeader("Location", accepted.response().getString("statusUrl"));
          if (accepted.replayed()) {
            rc.response().putHeader("Idempotent-Replayed", "true");
          }
          Responses.json(rc, 202, accepted.response().toBuffer());
        })
        .onFailure(rc::fail);
  }
}
