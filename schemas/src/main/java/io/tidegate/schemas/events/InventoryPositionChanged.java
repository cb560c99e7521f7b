package io.tidegate.schemas.events;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * Full stock position of one SKU at one location, as produced by the ERP/WMS on
 * {@code inventory.positions.v1} (compacted). A record whose {@code sequence} is not higher
 * than the one held for {@link #key()} is ignored.
 *
 * @param inTransit supply on its way, possibly empty (never null)
 */
public record InventoryPositionChanged(
  String sku,
  String location,
  long sequence,
  int onHand,
  int allocated,
  int damaged,
  int safetyStock,
  List<InTransit> inTransit) implements EventData {

  public InventoryPositionChanged {
    Objects.requireNonNull(sku, "sku");
    Objects.requireNonNull(location, "location");
    inTransit = inTransit == null ? List.of() : List.copyOf(inTransit);
  }

  /** The record key, {@code sku@location}. */
  @Override
  public String key() {
    return sku + "@" + location;
  }

  /** Supply expected at the location on {@code expectedDate}. */
  public record InTransit(int quantity, LocalDate expectedDate) {
    public InTransit {
      Objects.requireNonNull(expectedDate, "expectedDate");
    }
  }
}
