package io.tidegate.atp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SoftReservationsTest {

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final SoftReservations book = new SoftReservations(60_000, now::get);

  @Test
  void anOrderHoldsItsQuantitiesPerLocationOnceAndReleasesThem() {
    List<SoftReservations.Line> lines = List.of(new SoftReservations.Line("A", "DC1", 5),
        new SoftReservations.Line("A", "DC2", 2), new SoftReservations.Line("B", "DC1", 1));
    assertTrue(book.hold("o1", lines, now.get()));
    assertFalse(book.hold("o1", lines, now.get()), "a duplicate accepted event holds nothing more");
    assertTrue(book.hold("o2", List.of(new SoftReservations.Line("A", "DC1", 3)), now.get()));
    assertEquals(8, book.reserved("A", "DC1"));
    assertEquals(2, book.reserved("A", "DC2"));
    assertTrue(book.release("o1"));
    assertFalse(book.release("o1"));
    assertEquals(3, book.reserved("A", "DC1"));
    assertEquals(0, book.reserved("A", "DC2"));
    assertEquals(0, book.reserved("B", "DC1"));
  }

  @Test
  void aReleaseSeenBeforeItsOrderKeepsTheLateOrderFromHolding() {
    book.release("late");
    assertFalse(book.hold("late", List.of(new SoftReservations.Line("A", "DC1", 4)), now.get()));
    assertEquals(0, book.reserved("A", "DC1"));
  }

  @Test
  void holdsExpireAndOldOrdersNeverHold() {
    book.hold("o1", List.of(new SoftReservations.Line("A", "DC1", 4)), now.get());
    now.addAndGet(59_999);
    assertEquals(0, book.expire());
    now.addAndGet(1);
    assertEquals(1, book.expire());
    assertEquals(0, book.reserved("A", "DC1"));
    assertFalse(book.hold("old", List.of(new SoftReservations.Line("A", "DC1", 4)), now.get() - 60_000),
        "an order accepted longer ago than the expiry (a replay at start-up) holds nothing");
  }

  @Test
  void droppingAHoldWhoseOrderNeverBecameDurableLetsARetryHoldAgain() {
    List<SoftReservations.Line> lines = List.of(new SoftReservations.Line("A", "DC1", 4));
    book.hold("o1", lines, now.get());
    book.drop("o1");
    assertEquals(0, book.reserved("A", "DC1"));
    assertTrue(book.hold("o1", lines, now.get()));
    assertEquals(4, book.reserved("A", "DC1"));
  }
}
