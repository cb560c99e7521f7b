package io.tidegate.atp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory inventory read model: one immutable {@link SkuPositions} per SKU in a concurrent
 * map. Its single writer is the inventory feed consumer; HTTP handlers on every event loop read it
 * without locks. Location names are interned so a million positions do not carry a million copies
 * of "DC1".
 */
public final class InventoryReadModel {

  private final Map<String, SkuPositions> bySku = new ConcurrentHashMap<>();
  private final Map<String, String> locationNames = new ConcurrentHashMap<>();

  public SkuPositions get(String sku) {
    return bySku.get(sku);
  }

  public int skuCount() {
    return bySku.size();
  }

  /**
   * Applies a position if it is newer (higher sequence) than the one held for its key.
   *
   * @return true if applied, false if it was a duplicate or out of date
   */
  public boolean apply(String sku, LocationPosition position) {
    LocationPosition interned = new LocationPosition(
        locationNames.computeIfAbsent(position.location(), l -> l), position.sequence(), position.onHand(),
        position.allocated(), position.damaged(), position.safetyStock(), position.inTransit());
    boolean[] applied = {false};
    bySku.compute(sku, (key, current) -> {
      if (current == null) {
        applied[0] = true;
        return new SkuPositions(key, java.util.List.of(interned));
      }
      LocationPosition held = current.at(interned.location());
      if (held != null && held.sequence() >= interned.sequence()) {
        return current;
      }
      applied[0] = true;
      return current.with(interned);
    });
    return applied[0];
  }
}
