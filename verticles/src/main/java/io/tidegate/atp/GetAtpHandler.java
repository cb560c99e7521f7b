package io.tidegate.atp;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
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

  // Field names encoded once: writing them as plain strings escaped every character on every answer.
  private static final SerializedString SKU = new SerializedString("sku");
  private static final SerializedString LOCATIONS = new SerializedString("locations");
  private static final SerializedString ON_HAND = new SerializedString("onHand");
  private static final SerializedString ALLOCATED = new SerializedString("allocated");
  private static final SerializedString RESERVED = new SerializedString("reserved");
  private static final SerializedString DAMAGED = new SerializedString("damaged");
  private static final SerializedString SAFETY_STOCK = new SerializedString("safetyStock");
  private static final SerializedString IN_TRANSIT = new SerializedString("inTransit");
  private static final SerializedString AVAILABLE = new SerializedString("available");
  private static final SerializedString LOCATION = new SerializedString("location");
  private static final SerializedString SEQUENCE = new SerializedString("sequence");
  private static final SerializedString IN_TRANSIT_SUPPLY = new SerializedString("inTransitSupply");
  private static final SerializedString QUANTITY = new SerializedString("quantity");
  private static final SerializedString EXPECTED_DATE = new SerializedString("expectedDate");
  private static final SerializedString TOTAL = new SerializedString("total");
  private static final SerializedString AS_OF = new SerializedString("asOf");
  private static final SerializedString STALE = new SerializedString("stale");

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
    // The contract lists asOf and stale per location and in total; they describe the feed as a
    // whole, so each carries the same two values as the answer itself.
    String asOf = feed.asOfText();
    boolean stale = feed.stale();
    Buffer body = JsonBody.write(320 + 320 * positions.locations().size(), json -> {
      Totals total = new Totals();
      json.writeStartObject();
      json.writeFieldName(SKU);
      json.writeString(sku);
      json.writeFieldName(LOCATIONS);
      json.writeStartArray();
      for (LocationPosition p : positions.locations()) {
        if (location == null || p.location().equals(location)) {
          int reserved = reservations.reserved(sku, p.location());
          json.writeStartObject();
          writeFigures(json, p.onHand(), p.allocated(), reserved, p.damaged(), p.safetyStock(), p.inTransitTotal(),
              p.available(reserved, 0));
          json.writeFieldName(LOCATION);
          json.writeString(p.location());
          json.writeFieldName(SEQUENCE);
          json.writeNumber(p.sequence());
          writeSupply(json, p);
          writeFreshness(json, asOf, stale);
          json.writeEndObject();
          total.add(p, reserved);
        }
      }
      json.writeEndArray();
      json.writeFieldName(TOTAL);
      json.writeStartObject();
      writeFigures(json, total.onHand, total.allocated, total.reserved, total.damaged, total.safetyStock,
          total.inTransit, total.available);
      writeFreshness(json, asOf, stale);
      json.writeEndObject();
      writeFreshness(json, asOf, stale);
      json.writeEndObject();
    });
    Responses.json(rc, 200, body);
  }

  private static void writeFigures(JsonGenerator json, long onHand, long allocated, long reserved, long damaged,
                                   long safetyStock, long inTransit, long available) throws IOException {
    json.writeFieldName(ON_HAND);
    json.writeNumber(onHand);
    json.writeFieldName(ALLOCATED);
    json.writeNumber(allocated);
    json.writeFieldName(RESERVED);
    json.writeNumber(reserved);
    json.writeFieldName(DAMAGED);
    json.writeNumber(damaged);
    json.writeFieldName(SAFETY_STOCK);
    json.writeNumber(safetyStock);
    json.writeFieldName(IN_TRANSIT);
    json.writeNumber(inTransit);
    json.writeFieldName(AVAILABLE);
    json.writeNumber(available);
  }

  private static void writeFreshness(JsonGenerator json, String asOf, boolean stale) throws IOException {
    json.writeFieldName(AS_OF);
    json.writeString(asOf);
    json.writeFieldName(STALE);
    json.writeBoolean(stale);
  }

  private static void writeSupply(JsonGenerator json, LocationPosition p) throws IOException {
    json.writeFieldName(IN_TRANSIT_SUPPLY);
    json.writeStartArray();
    for (LocationPosition.Supply s : p.inTransit()) {
      json.writeStartObject();
      json.writeFieldName(QUANTITY);
      json.writeNumber(s.quantity());
      json.writeFieldName(EXPECTED_DATE);
      json.writeString(s.expectedDate().toString());
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
