package io.tidegate.atp;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The available-to-promise rule for one requested line. Supply at a location is its available
 * quantity with in-transit stock that arrives on or before the requested date. Ship-from choice:
 * <ol>
 *   <li>a requested location is the only candidate;</li>
 *   <li>otherwise the fewest splits: one location that covers the whole quantity if any (the one
 *       with the most supply, ties by location name);</li>
 *   <li>otherwise locations in order of supply (most first, ties by name) until covered.</li>
 * </ol>
 * The promise never exceeds the supply; status is AVAILABLE, PARTIAL or UNAVAILABLE.
 */
public record Promise(int quantity, int promised, int available, Status status, List<Allocation> shipFrom) {

  public enum Status { AVAILABLE, PARTIAL, UNAVAILABLE }

  /** How much of the line ships from one location. */
  public record Allocation(String location, int quantity) {
  }

  private record Supply(String location, int quantity) {
  }

  public static Promise of(SkuPositions positions, String onlyLocation, int quantity, LocalDate requestedDate,
                           ReservationBook reservations) {
    List<Supply> supply = new ArrayList<>();
    for (LocationPosition p : positions.locations()) {
      if (onlyLocation == null || p.location().equals(onlyLocation)) {
        int reserved = reservations.reserved(positions.sku(), p.location());
        supply.add(new Supply(p.location(), p.available(reserved, p.inTransitBy(requestedDate))));
      }
    }
    supply.sort(Comparator.comparingInt(Supply::quantity).reversed().thenComparing(Supply::location));
    int available = supply.stream().mapToInt(Supply::quantity).sum();
    List<Allocation> shipFrom = new ArrayList<>();
    if (!supply.isEmpty() && supply.get(0).quantity() >= quantity) {
      shipFrom.add(new Allocation(supply.get(0).location(), quantity));
    } else {
      int left = quantity;
      for (Supply s : supply) {
        if (left == 0 || s.quantity() == 0) {
          break;
        }
        int take = Math.min(left, s.quantity());
        shipFrom.add(new Allocation(s.location(), take));
        left -= take;
      }
    }
    int promised = shipFrom.stream().mapToInt(Allocation::quantity).sum();
    Status status = promised == quantity ? Status.AVAILABLE : promised > 0 ? Status.PARTIAL : Status.UNAVAILABLE;
    return new Promise(quantity, promised, available, status, List.copyOf(shipFrom));
  }
}
