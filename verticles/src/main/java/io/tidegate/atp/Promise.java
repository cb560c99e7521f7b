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
 *   <li>otherwise the fewest splits: one location that covers the whole quantity if any; of several,
 *       the first in the channel's {@code locationPriority}, then the one with the most supply, then
 *       by location name;</li>
 *   <li>otherwise locations in order of supply (most first: the fewest splits), equal supply broken
 *       by the channel's priority, then by name, until covered.</li>
 * </ol>
 * Locations the priority list does not name rank after the ones it names.
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
    return of(positions, onlyLocation, quantity, requestedDate, reservations, List.of());
  }

  /** @param priority the channel's preferred ship-from locations, most preferred first (may be empty) */
  public static Promise of(SkuPositions positions, String onlyLocation, int quantity, LocalDate requestedDate,
                           ReservationBook reservations, List<String> priority) {
    List<Supply> supply = new ArrayList<>();
    for (LocationPosition p : positions.locations()) {
      if (onlyLocation == null || p.location().equals(onlyLocation)) {
        int reserved = reservations.reserved(positions.sku(), p.location());
        supply.add(new Supply(p.location(), p.available(reserved, p.inTransitBy(requestedDate))));
      }
    }
    Comparator<Supply> byPriority = Comparator.comparingInt(s -> rank(priority, s.location()));
    Comparator<Supply> mostFirst = Comparator.comparingInt(Supply::quantity).reversed();
    supply.sort(mostFirst.thenComparing(byPriority).thenComparing(Supply::location));
    int available = supply.stream().mapToInt(Supply::quantity).sum();
    List<Allocation> shipFrom = new ArrayList<>();
    Supply single = supply.stream().filter(s -> s.quantity() >= quantity)
        .min(byPriority.thenComparing(mostFirst).thenComparing(Supply::location)).orElse(null);
    if (single != null) {
      shipFrom.add(new Allocation(single.location(), quantity));
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

  private static int rank(List<String> priority, String location) {
    int i = priority.indexOf(location);
    return i < 0 ? Integer.MAX_VALUE : i;
  }
}
