package io.tidegate.atp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tidegate.atp.Promise.Allocation;
import io.tidegate.atp.Promise.Status;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromiseTest {

  private static final LocalDate FRIDAY = LocalDate.parse("2026-11-27");
  private final SkuPositions sku = new SkuPositions("SKU-1", List.of(
      position("DC1", 30, List.of(new LocationPosition.Supply(50, LocalDate.parse("2026-11-26")))),
      position("DC2", 45, List.of()),
      position("DC3", 0, List.of(new LocationPosition.Supply(100, LocalDate.parse("2026-12-15"))))));

  @Test
  void oneLocationThatCoversTheLineWinsOverASplit() {
    Promise p = Promise.of(sku, null, 40, null, ReservationBook.NONE);
    assertEquals(Status.AVAILABLE, p.status());
    assertEquals(List.of(new Allocation("DC2", 40)), p.shipFrom());
    assertEquals(75, p.available());
  }

  @Test
  void withoutASingleCoveringLocationTheLineIsSplitMostSupplyFirst() {
    Promise p = Promise.of(sku, null, 60, null, ReservationBook.NONE);
    assertEquals(Status.AVAILABLE, p.status());
    assertEquals(List.of(new Allocation("DC2", 45), new Allocation("DC1", 15)), p.shipFrom());
  }

  @Test
  void inTransitCountsOnlyWhenItArrivesByTheRequestedDate() {
    Promise byFriday = Promise.of(sku, null, 80, FRIDAY, ReservationBook.NONE);
    assertEquals(List.of(new Allocation("DC1", 80)), byFriday.shipFrom(), "30 on hand + 50 arriving Thursday");
    Promise tooEarly = Promise.of(sku, null, 200, LocalDate.parse("2026-11-25"), ReservationBook.NONE);
    assertEquals(Status.PARTIAL, tooEarly.status());
    assertEquals(75, tooEarly.promised());
  }

  @Test
  void aRequestedLocationIsTheOnlyCandidate() {
    Promise p = Promise.of(sku, "DC3", 10, FRIDAY, ReservationBook.NONE);
    assertEquals(Status.UNAVAILABLE, p.status());
    assertEquals(0, p.promised());
    assertEquals(List.of(), p.shipFrom());
  }

  @Test
  void softReservationsReduceWhatCanBePromised() {
    ReservationBook reservations = (s, location) -> location.equals("DC2") ? 40 : 0;
    Promise p = Promise.of(sku, null, 40, null, reservations);
    assertEquals(List.of(new Allocation("DC1", 30), new Allocation("DC2", 5)), p.shipFrom());
    assertEquals(Status.PARTIAL, p.status());
    assertEquals(35, p.promised());
  }

  @Test
  void aChannelsLocationPriorityChoosesAmongLocationsThatEachCoverTheLine() {
    assertEquals(List.of(new Allocation("DC1", 20)),
        Promise.of(sku, null, 20, null, ReservationBook.NONE, List.of("DC1", "DC2")).shipFrom());
    assertEquals(List.of(new Allocation("DC2", 20)),
        Promise.of(sku, null, 20, null, ReservationBook.NONE, List.of("DC3")).shipFrom(),
        "an unlisted or short location ranks after: most supply wins among the rest");
  }

  @Test
  void priorityNeverCostsASplit() {
    Promise p = Promise.of(sku, null, 40, null, ReservationBook.NONE, List.of("DC1"));
    assertEquals(List.of(new Allocation("DC2", 40)), p.shipFrom(), "DC1 alone cannot cover 40, DC2 can");
    Promise split = Promise.of(sku, null, 60, null, ReservationBook.NONE, List.of("DC1"));
    assertEquals(List.of(new Allocation("DC2", 45), new Allocation("DC1", 15)), split.shipFrom(),
        "a split still takes most supply first (fewest splits)");
  }

  @Test
  void priorityBreaksTiesOfEqualSupplyInASplit() {
    SkuPositions even = new SkuPositions("SKU-2", List.of(position("DC1", 10, List.of()),
        position("DC2", 10, List.of()), position("DC3", 10, List.of())));
    assertEquals(List.of(new Allocation("DC3", 10), new Allocation("DC1", 5)),
        Promise.of(even, null, 15, null, ReservationBook.NONE, List.of("DC3")).shipFrom());
  }

  private static LocationPosition position(String location, int onHand, List<LocationPosition.Supply> inTransit) {
    return new LocationPosition(location, 1, onHand, 0, 0, 0, inTransit);
  }
}
