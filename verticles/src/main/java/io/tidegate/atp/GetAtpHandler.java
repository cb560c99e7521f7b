package io.tidegate.atp;

import com.fasterxml.jackson.core.JsonGenerator;
import io.tidegate.http.ApiFailure;
import io.tidegate.http.JsonBody;
import io.tidegate.kafka.FeedStatus;
import io.tidegate.http.Responses;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;

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
    Buffer body = JsonBody.write(512, json -> {
      Totals total = new Totals();
      json.writeStartObject();
      json.writeStringField("sku", sku);
      json.writeArrayFieldStart("locations");
      for (LocationPosition p : positions.locations()) {
        if (location == null || p.location().equals(location)) {
          int reserved = reservations.reserved(sku, p.location());
          json.writeStartObject();
          writeFigures(json, p.onHand(), p.allocated(), reserved, p.damaged(), p.safetyStock(), p.inTransitTotal(),
              p.available(reserved, 0));
          json.writeStringField("location", p.location());
          json.writeNumberField("sequence", p.sequence());
          writeSupply(json, p);
          json.writeEndObject();
          total.add(p, reserved);
        }
      }
      json.writeEndArray();
      json.writeObjectFieldStart("total");
      writeFigures(json, total.onHand, total.allocated, total.reserved, total.damaged, total.safetyStock,
          total.inTransit, total.available);
      json.writeEndObject();
      json.writeStringField("asOf", feed.asOfText());
      json.writeBooleanField("stale", feed.stale());
      json.writeEndObject();
    });
    Responses.json(rc, 200, body);
  }

  private static void writeFigures(JsonGenerator json, long onHand, long allocated, long reserved, long damaged,
                                   long safetyStock, long inTransit, long available) throws IOException {
    json.writeNumberField("onHand", onHand);
    json.writeNumberField("allocated", allocated);
    json.writeNumberField("reserved", reserved);
    json.writeNumberField("damaged", damaged);
    json.writeNumberField("safetyStock", safetyStock);
    json.writeNumberField("inTransit", inTransit);
    json.writeNumberField("available", available);
  }

  private static void writeSupply(JsonGenerator json, LocationPosition p) throws IOException {
    json.writeArrayFieldStart("inTransitSupply");
    for (LocationPosition.Supply s : p.inTransit()) {
      json.writeStartObject();
      json.writeNumberField("quantity", s.quantity());
      json.writeStringField("expectedDate", s.expectedDate().toString());
      json.writeEndObject();
    }
    json.writeEndArray();
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
  }
}
