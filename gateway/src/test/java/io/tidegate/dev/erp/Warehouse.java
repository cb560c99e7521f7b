package io.tidegate.dev.erp;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;

/**
 * The ERP's stock side, as the simulator drives it: what a real ERP/WMS publishes on the inventory
 * feed when it books an order (its lines become {@code allocated}), ships it (they leave
 * {@code onHand} and {@code allocated}) or cancels a booked one (their allocation ends). Without
 * it, stock an order held as a soft reservation would look free again once the ERP booked it.
 */
public interface Warehouse {

  /** No stock side: the feed never moves (tests that watch reservations alone). */
  Warehouse NONE = new Warehouse() {
    @Override
    public Future<Void> apply(Movement movement, JsonArray allocations) {
      return Future.succeededFuture();
    }
  };

  /** What happens to the allocated lines ({@code [{sku, location, quantity}]}). */
  enum Movement { ALLOCATE, SHIP, DEALLOCATE }

  /** Publishes the changed positions; completes when the feed has them (or at once if there is none). */
  Future<Void> apply(Movement movement, JsonArray allocations);
}
