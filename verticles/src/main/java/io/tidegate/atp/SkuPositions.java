package io.tidegate.atp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Every location's position of one SKU, sorted by location. Immutable: the feed consumer builds a
 * new value and swaps it into the read model whole, so a reader never sees half an update.
 */
public record SkuPositions(String sku, List<LocationPosition> locations) {

  public SkuPositions {
    locations = List.copyOf(locations);
  }

  public LocationPosition at(String location) {
    for (LocationPosition p : locations) {
      if (p.location().equals(location)) {
        return p;
      }
    }
    return null;
  }

  /** This value with {@code position} added or replacing the one at its location. */
  public SkuPositions with(LocationPosition position) {
    List<LocationPosition> next = new ArrayList<>(locations.size() + 1);
    for (LocationPosition p : locations) {
      if (!p.location().equals(position.location())) {
        next.add(p);
      }
    }
    next.add(position);
    next.sort(Comparator.comparing(LocationPosition::location));
    return new SkuPositions(sku, next);
  }
}
