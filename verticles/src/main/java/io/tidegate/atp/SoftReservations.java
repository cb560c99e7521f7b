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

  /** One order's holds: parallel arrays of {@code sku@location} keys and quantities. */
  private record Hold(String[] keys, int[] quantities, long expiresAtMillis) { }

  /** A quantity to hold at one location of one SKU. */
  public record Line(String sku, String location, int quantity) { }

  private final Map<String, Hold> holds = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> totals = new ConcurrentHashMap<>();
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
    AtomicInteger total = totals.get(key(sku, location));
    return total == null ? 0 : Math.max(0, total.get());
  }

  /** Holds the lines for {@code orderId} (accepted at {@code acceptedAtMillis}); false if it holds already, was released or expired. */
  public boolean hold(String orderId, List<Line> lines, long acceptedAtMillis) {
    long expires = acceptedAtMillis + ttlMillis;
    if (lines.isEmpty() || expires <= clock.getAsLong() || released.containsKey(orderId)) {
      return false;
    }
    String[] keys = new String[lines.size()];
    int[] quantities = new int[lines.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = key(lines.get(i).sku(), lines.get(i).location());
      quantities[i] = lines.get(i).quantity();
    }
    Hold hold = new Hold(keys, quantities, expires);
    if (holds.putIfAbsent(orderId, hold) != null) {
      return false;
    }
    for (int i = 0; i < keys.length; i++) {
      totals.computeIfAbsent(keys[i], k -> new AtomicInteger()).addAndGet(quantities[i]);
    }
    return true;
  }

  /** Releases the order's holds (and refuses later holds for it until the expiry). */
  public boolean release(String orderId) {
    released.put(orderId, clock.getAsLong() + ttlMillis);
    Hold hold = holds.remove(orderId);
    if (hold == null) {
      return false;
    }
    for (int i = 0; i < hold.keys().length; i++) {
      // Entries are never removed (a removal could race a concurrent hold); they are bounded by
      // the number of sku@location positions. A release may run between another thread's
      // putIfAbsent and its additions: the total dips below zero for a moment (reads clamp at 0).
      totals.computeIfAbsent(hold.keys()[i], k -> new AtomicInteger()).addAndGet(-hold.quantities()[i]);
    }
    return true;
  }

  /** Takes back a hold whose order never became durable (no tombstone: a retry may hold again). */
  public void drop(String orderId) {
    Hold hold = holds.remove(orderId);
    if (hold != null) {
      for (int i = 0; i < hold.keys().length; i++) {
        totals.computeIfAbsent(hold.keys()[i], k -> new AtomicInteger()).addAndGet(-hold.quantities()[i]);
      }
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

  private static String key(String sku, String location) {
    return sku + '@' + location;
  }
}
