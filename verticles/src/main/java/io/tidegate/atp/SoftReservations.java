package io.tidegate.atp;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Soft reservations: quantities of orders a gateway accepted that the ERP has not allocated yet.
 * Every instance builds the same book from the order topics (an accepted order holds its
 * {@code shipFrom} quantities; a status that means the ERP now counts it as allocated, or that it
 * will never ship — BOOKED and later, REJECTED, FAILED, CANCELLED — releases them), so
 * {@code available} drops on every instance, not just the one that took the order. A hold the ERP
 * never confirmed is released after the configured expiry.
 *
 * <p>Idempotent per order id: a duplicate accepted event holds nothing more, and a release seen
 * before its order (topics are not ordered with each other) leaves a tombstone until the expiry so
 * the late order does not hold stock. Thread-safe: one writer per topic feed, many readers.
 */
public final class SoftReservations implements ReservationBook {

  /** One order's holds: parallel arrays of the totals it adds to and its quantities. */
  private record Hold(AtomicInteger[] totals, int[] quantities, long expiresAtMillis) { }

  /** A quantity to hold at one location of one SKU. */
  public record Line(String sku, String location, int quantity) { }

  private final Map<String, Hold> holds = new ConcurrentHashMap<>();
  /**
   * SKU, then location, to the quantity held there: two lookups without building a key, because
   * every ATP answer reads it once per location while orders hold stock (a flash sale).
   */
  private final Map<String, Map<String, AtomicInteger>> totals = new ConcurrentHashMap<>();
  private final Map<String, Long> released = new ConcurrentHashMap<>();
  private final long ttlMillis;
  private final LongSupplier clock;

  public SoftReservations(long ttlMillis, LongSupplier clockMillis) {
    this.ttlMillis = ttlMillis;
    this.clock = clockMillis;
  }

  @Override
  public int reserved(String sku, String location) {
    if (totals.isEmpty()) {
      return 0;
    }
    Map<String, AtomicInteger> atLocations = totals.get(sku);
    AtomicInteger total = atLocations == null ? null : atLocations.get(location);
    return total == null ? 0 : Math.max(0, total.get());
  }

  /** Holds the lines for {@code orderId} (accepted at {@code acceptedAtMillis}); false if it holds already, was released or expired. */
  public boolean hold(String orderId, List<Line> lines, long acceptedAtMillis) {
    long expires = acceptedAtMillis + ttlMillis;
    if (lines.isEmpty() || expires <= clock.getAsLong() || released.containsKey(orderId)) {
      return false;
    }
    AtomicInteger[] at = new AtomicInteger[lines.size()];
    int[] quantities = new int[lines.size()];
    for (int i = 0; i < at.length; i++) {
      at[i] = total(lines.get(i).sku(), lines.get(i).location());
      quantities[i] = lines.get(i).quantity();
    }
    Hold hold = new Hold(at, quantities, expires);
    if (holds.putIfAbsent(orderId, hold) != null) {
      return false;
    }
    add(hold, 1);
    return true;
  }

  /** Releases the order's holds (and refuses later holds for it until the expiry). */
  public boolean release(String orderId) {
    released.put(orderId, clock.getAsLong() + ttlMillis);
    Hold hold = holds.remove(orderId);
    if (hold == null) {
      return false;
    }
    // A release may run between another thread's putIfAbsent and its additions: the total dips
    // below zero for a moment (reads clamp at 0).
    add(hold, -1);
    return true;
  }

  /** Takes back a hold whose order never became durable (no tombstone: a retry may hold again). */
  public void drop(String orderId) {
    Hold hold = holds.remove(orderId);
    if (hold != null) {
      add(hold, -1);
    }
  }

  /** Releases expired holds and forgets old tombstones; returns how many holds expired. */
  public int expire() {
    long now = clock.getAsLong();
    int expired = 0;
    for (Map.Entry<String, Hold> e : holds.entrySet()) {
      if (e.getValue().expiresAtMillis() <= now && release(e.getKey())) {
        expired++;
      }
    }
    released.values().removeIf(until -> until <= now);
    return expired;
  }

  /** Orders holding stock now. */
  public int orders() {
    return holds.size();
  }

  /**
   * The total of one SKU at one location. Totals are never removed (a removal could race a
   * concurrent hold), so a hold may keep references to them; they are bounded by the number of
   * sku x location positions.
   */
  private AtomicInteger total(String sku, String location) {
    return totals.computeIfAbsent(sku, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(location, k -> new AtomicInteger());
  }

  private static void add(Hold hold, int sign) {
    for (int i = 0; i < hold.totals().length; i++) {
      hold.totals()[i].addAndGet(sign * hold.quantities()[i]);
    }
  }
}
