package io.tidegate.orders;

import io.tidegate.atp.InventoryReadModel;
import io.tidegate.atp.Promise;
import io.tidegate.atp.ReservationBook;
import io.tidegate.atp.SkuPositions;
import io.tidegate.atp.SoftReservations;
import io.tidegate.config.ChannelSettings;
import io.tidegate.config.ChannelSettings.AtpPolicy;
import io.tidegate.http.ApiFailure;
import io.tidegate.schemas.events.OrderLine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each line of an order ships from, by the ATP ship-from rule ({@link Promise}), counting
 * the soft reservations of other orders and the earlier lines of this one. Under the channel's
 * {@code reject} policy a line stock cannot cover fails the order (422 INSUFFICIENT_STOCK, a pointer
 * per line); under {@code backorder} the order goes through and only the promised part is
 * reserved (the ERP backorders the rest). Under {@code accept} stock is not checked at all: the
 * lines go to the ERP without a ship-from location and nothing is reserved (channels whose orders
 * the ERP fills from elsewhere: drop-shipping, made to order).
 */
final class StockCheck {

  private StockCheck() {
  }

  /** The order's lines with their {@code shipFrom}; fails with 422 under {@code reject}. */
  static List<OrderLine> promise(InventoryReadModel inventory, ReservationBook reservations, ChannelSettings channel,
                                 JsonArray lines, List<java.math.BigDecimal> prices, LocalDate requestedDate) {
    AtpPolicy policy = channel.atpPolicy();
    Map<String, Integer> pending = new HashMap<>();
    ReservationBook withPending = (sku, location) -> reservations.reserved(sku, location)
        + pending.getOrDefault(sku + '@' + location, 0);
    List<OrderLine> out = new ArrayList<>();
    List<ApiFailure.FieldError> short_ = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      JsonObject line = lines.getJsonObject(i);
      String sku = line.getString("sku");
      int quantity = line.getInteger("quantity");
      if (policy == AtpPolicy.ACCEPT) {
        out.add(new OrderLine(sku, quantity, prices.get(i), line.getString("quoteId"), List.of()));
        continue;
      }
      SkuPositions positions = inventory.get(sku);
      Promise promise = Promise.of(positions, null, quantity, requestedDate, withPending, channel.locationPriority());
      if (policy == AtpPolicy.REJECT && promise.promised() < quantity) {
        short_.add(new ApiFailure.FieldError("/lines/" + i + "/quantity", "only " + promise.promised() + " of "
            + quantity + " can be promised" + (requestedDate == null ? "" : " by " + requestedDate)));
      }
      List<OrderLine.ShipFrom> shipFrom = new ArrayList<>();
      for (Promise.Allocation a : promise.shipFrom()) {
        shipFrom.add(new OrderLine.ShipFrom(a.location(), a.quantity()));
        pending.merge(sku + '@' + a.location(), a.quantity(), Integer::sum);
      }
      out.add(new OrderLine(sku, quantity, prices.get(i), line.getString("quoteId"), shipFrom));
    }
    if (!short_.isEmpty()) {
      throw new ApiFailure.InsufficientStock(short_);
    }
    return out;
  }

  /** The lines' holds for {@link SoftReservations#hold}. */
  static List<SoftReservations.Line> holds(List<OrderLine> lines) {
    List<SoftReservations.Line> out = new ArrayList<>();
    for (OrderLine line : lines) {
      line.shipFrom().forEach(s -> out.add(new SoftReservations.Line(line.sku(), s.location(), s.quantity())));
    }
    return out;
  }
}
