package io.tidegate.atp;

import io.tidegate.http.ApiFailure;
import io.tidegate.http.ApiKeyAuth;
import io.tidegate.kafka.FeedStatus;
import io.tidegate.http.Responses;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@code POST /v1/atp:check}: a promise per line ({@link Promise}), from memory. Without
 * {@code requestedDate}, today (UTC) is used and echoed; in-transit supply counts only when it
 * arrives on or before that date. Lines are checked independently. An unknown SKU (or a location
 * the SKU is not stocked at) makes the request 404, naming every such line.
 */
public final class CheckAtpHandler implements Handler<RoutingContext> {

  private final InventoryReadModel model;
  private final ReservationBook reservations;
  private final FeedStatus feed;
  private final Clock clock;
  private final Function<String, List<String>> priorityOf;

  /** @param priorityOf a channel's ship-from location priority (see {@link Promise}) */
  public CheckAtpHandler(InventoryReadModel model, ReservationBook reservations, FeedStatus feed,
                         Function<String, List<String>> priorityOf, Clock clock) {
    this.model = model;
    this.priorityOf = priorityOf;
    this.reservations = reservations;
    this.feed = feed;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext rc) {
    JsonObject request = rc.body().asJsonObject();
    LocalDate date = request.getString("requestedDate") == null ? LocalDate.now(clock)
        : LocalDate.parse(request.getString("requestedDate"));
    JsonArray lines = request.getJsonArray("lines");
    JsonArray answers = new JsonArray();
    List<String> priority = priorityOf.apply(ApiKeyAuth.channel(rc).name());
    List<ApiFailure.FieldError> unknown = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      JsonObject line = lines.getJsonObject(i);
      String sku = line.getString("sku");
      String location = line.getString("location");
      SkuPositions positions = model.get(sku);
      if (positions == null || (location != null && positions.at(location) == null)) {
        unknown.add(positions == null ? new ApiFailure.FieldError("/lines/" + i + "/sku", "unknown SKU '" + sku + "'")
            : new ApiFailure.FieldError("/lines/" + i + "/location",
                "SKU '" + sku + "' is not stocked at location '" + location + "'"));
        continue;
      }
      answers.add(toJson(sku, Promise.of(positions, location, line.getInteger("quantity"), date, reservations,
          priority)));
    }
    if (!unknown.isEmpty()) {
      rc.fail(new ApiFailure.NotFound(unknown.size() + " line(s) name an unknown SKU or location", unknown));
      return;
    }
    JsonObject body = new JsonObject().put("lines", answers).put("requestedDate", date.toString())
        .put("asOf", feed.asOfText()).put("stale", feed.stale());
    Responses.json(rc, 200, body.toBuffer());
  }

  private static JsonObject toJson(String sku, Promise p) {
    JsonArray shipFrom = new JsonArray();
    p.shipFrom().forEach(a -> shipFrom.add(new JsonObject().put("location", a.location()).put("quantity", a.quantity())));
    return new JsonObject().put("sku", sku).put("quantity", p.quantity()).put("promised", p.promised())
        .put("available", p.available()).put("status", p.status().name()).put("shipFrom", shipFrom);
  }
}
