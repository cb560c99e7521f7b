package io.tidegate.atp;

import java.time.LocalDate;
import java.util.List;

/**
 * The stock of one SKU at one location, as last reported by the ERP/WMS feed. Immutable.
 *
 * @param sequence the feed's per-key sequence; a record with a lower or equal one is ignored
 */
public record LocationPosition(String location, long sequence, int onHand, int allocated, int damaged,
                               int safetyStock, List<Supply> inTransit) {

  /** Stock on its way to the location. */
  public record Supply(int quantity, LocalDate expectedDate) {
  }

  public LocationPosition {
    inTransit = List.copyOf(inTransit);
  }

  public int inTransitTotal() {
    int total = 0;
    for (Supply s : inTransit) {
      total += s.quantity();
    }
    return total;
  }

  /** In-transit supply expected on or before {@code date}; none when {@code date} is null. */
  public int inTransitBy(LocalDate date) {
    if (date == null) {
      return 0;
    }
    int total = 0;
    for (Supply s : inTransit) {
      if (!s.expectedDate().isAfter(date)) {
        total += s.quantity();
      }
    }
    return total;
  }

  /**
   * The contract's rule: max(0, onHand − allocated − reserved − damaged − safetyStock + eligible
   * in-transit).
   */
  public int available(int reserved, int eligibleInTransit) {
    long value = (long) onHand - allocated - reserved - damaged - safetyStock + eligibleInTransit;
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, value));
  }
}
