package io.tidegate.orders;

import io.tidegate.http.ApiKeyAuth;
import io.tidegate.http.Responses;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /v1/orders?externalId=}: the channel's orders with that id of its own, newest first. */
public final class FindOrdersHandler implements Handler<RoutingContext> {

  private final OrderRepository orders;

  public FindOrdersHandler(OrderRepository orders) {
    this.orders = orders;
  }

  @Override
  public void handle(RoutingContext rc) {
    orders.findByExternalId(ApiKeyAuth.channel(rc).name(), rc.queryParam("externalId").get(0))
        .onSuccess(list -> Responses.json(rc, 200, new JsonObject().put("orders", list).toBuffer()))
        .onFailure(rc::fail);
  }
}
