package io.tidegate.orders;

import io.tidegate.http.ApiFailure;
import io.tidegate.http.ApiKeyAuth;
import io.tidegate.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /v1/orders/{orderId}}: the channel's own order with its history; anyone else's is 404. */
public final class GetOrderHandler implements Handler<RoutingContext> {

  private final OrderRepository orders;

  public GetOrderHandler(OrderRepository orders) {
    this.orders = orders;
  }

  @Override
  public void handle(RoutingContext rc) {
    String orderId = rc.pathParam("orderId");
    orders.find(ApiKeyAuth.channel(rc).name(), orderId)
        .compose(order -> order == null
            ? Future.failedFuture(new ApiFailure.NotFound("No order " + orderId + " for this channel"))
            : Future.succeededFuture(order))
        .onSuccess(order -> Responses.json(rc, 200, order.toBuffer()))
        .onFailure(rc::fail);
  }
}
