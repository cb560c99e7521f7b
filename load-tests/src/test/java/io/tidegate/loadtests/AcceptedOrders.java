package io.tidegate.loadtests;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Orders accepted (202) during this run, per channel key, so status polls ask for real orders of
 * their own channel (another channel's order is a 404 by contract). Keeps the most recent
 * {@value #CAPACITY} per key.
 */
final class AcceptedOrders {

  static final int CAPACITY = 10_000;

  private final Map<String, Ring> byKey = new ConcurrentHashMap<>();
  private final AtomicLong pollsWithoutOrder = new AtomicLong();

  void add(String apiKey, String orderId) {
    byKey.computeIfAbsent(apiKey, k -> new Ring()).add(orderId);
  }

  /** A recent order of this key, or null (counted) when the run has accepted none yet. */
  String pick(String apiKey) {
    Ring ring = byKey.get(apiKey);
    String id = ring == null ? null : ring.pick();
    if (id == null) {
      pollsWithoutOrder.incrementAndGet();
    }
    return id;
  }

  long pollsWithoutOrder() {
    return pollsWithoutOrder.get();
  }

  private static final class Ring {
    private final AtomicReferenceArray<String> ids = new AtomicReferenceArray<>(CAPACITY);
    private final AtomicLong next = new AtomicLong();

    void add(String id) {
      ids.set((int) (next.getAndIncrement() % CAPACITY), id);
    }

    String pick() {
      long n = Math.min(next.get(), CAPACITY);
      return n == 0 ? null : ids.get(ThreadLocalRandom.current().nextInt((int) n));
    }
  }
}
