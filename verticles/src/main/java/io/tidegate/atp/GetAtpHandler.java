package io.tidegate.atp;

import io.tidegate.http.ApiFailure;
import io.tidegate.kafka.FeedStatus;
import io.tidegate.http.Responses;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /v1/atp/{sku}[?location=]}: per-location figures and the total, from memory. */
public final class GetAtpHandler implements Handler<RoutingContext> {

  private final InventoryReadModel model;
  private final ReservationBook reservations;
  private final FeedStatus feed;

  public GetAtpHandler(InventoryReadModel model, ReservationBook reservations, FeedStatus feed) {
    this.model = model;
    this.reservations = reservations;
    this.feed = feed;
  }

  @Override
  public void handle(RoutingContext rc) {
    String sku = rc.pathParam("sku");
    String location = rc.queryParams().get("location");
    SkuPositions positions = model.get(sku);
    if (positions == null) {
      rc.fail(new ApiFailure.NotFound("Unknown SKU '" + sku + "'"));
      return;
    }
    if (location != null && positions.at(location) == null) {
      rc.fail(new ApiFailure.NotFound("SKU '" + sku + "' has no position at location '" + location + "'"));
      return;
    }
    JsonArray locations = new JsonArray();
    Totals total = new Totals();
    for (LocationPosition p : positions.locations()) {
      if (location == null || p.location().equals(location)) {
        int reserved = reservations.reserved(sku, p.location());
        locations.add(figures(p, reserved).put("location", p.location()).put("sequence", p.sequence())
            .put("inTransitSupply", supply(p)));
        total.add(p, reserved);
      }
    }
    JsonObject body = new JsonObject()
        .put("sku", sku)
        .put("locations", locations)
        .put("total", total.toJson())
        .put("asOf", feed.asOf().toString())
        .put("stale", feed.stale());
    Responses.json(rc, 200, body.toBuffer());
  }

  private static JsonObject figures(LocationPosition p, int reserved) {
    return new JsonObject()
        .put("onHand", p.onHand())
        .put("allocated", p.allocated())
        .put("reserved", reserved)
        .put("damaged", p.damaged())
        .put("safetyStock", p.safetyStock())
        .put("inTransit", p.inTransitTotal())
        .put("available", p.available(reserved, 0));
  }

  private static JsonArray supply(LocationPosition p) {
    JsonArray list = new JsonArray();
    p.inTransit().forEach(s -> list.add(new JsonObject().put("quantity", s.quantity())
        .put("expectedDate", s.expectedDate().toString())));
    return list;
  }

  /** Sums over locations; {@code available} is the sum of each location's (never negative) figure. */
  private static final class Totals {
    private long onHand;
    private long allocated;
    private long reserved;
    private long damaged;
    private long safetyStock;
    private long inTransit;
    private long available;

    void add(LocationPosition p, int reservedHere) {
      onHand += p.onHand();
      allocated += p.allocated();
      reserved += reservedHere;
      damaged += p.damaged();
      safetyStock += p.safetyStock();
      inTransit += p.inTransitTotal();
      available += p.available(reservedHere, 0);
    }

    JsonObject toJson() {
      return new JsonObject().put("onHand", onHand).put("allocated", allocated).put("reserved", reserved)
          .put("damaged", damaged).put("safetyStock", safetyStock).put("inTransit", inTransit)
          .put("available", available);
    }
  }
}
