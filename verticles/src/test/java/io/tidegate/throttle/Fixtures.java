package io.tidegate.throttle;

import io.tidegate.http.Channel;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** A small throttle file for tests, and a clock the test moves by hand. */
final class Fixtures {

  static final Set<String> CHANNELS = Set.of("webshop", "marketplace");

  /** webshop: gold plan (critical); marketplace: own atp policy of {@code marketplaceAtp}/60 s. */
  static final String FILE = """
      defaults:
        policies:
          atp:    { quota: 100, windowSeconds: 1 }
          prices: { quota: 20,  windowSeconds: 1 }
          orders: { quota: 10,  windowSeconds: 1, burst: 20 }
          status: { quota: 20,  windowSeconds: 1 }
        maxConcurrent: 64
      plans:
        gold:
          policies:
            atp: { quota: 500, windowSeconds: 1, burst: 1000 }
          maxConcurrent: 256
          critical: true
      channels:
        webshop:
          plan: gold
        marketplace:
          policies:
            atp: { quota: 3, windowSeconds: 60 }
          maxConcurrent: 2
      overload:
        atp:    { minLimit: 1, maxLimit: 1000, initialLimit: 200, adaptive: true }
        prices: { minLimit: 1, maxLimit: 500,  initialLimit: 100, adaptive: true }
        orders: { minLimit: 1, maxLimit: 200,  initialLimit: 50,  adaptive: true }
        status: { minLimit: 1, maxLimit: 500,  initialLimit: 100, adaptive: true }
      """;

  static final Channel WEBSHOP = new Channel("webshop");
  static final Channel MARKETPLACE = new Channel("marketplace");

  private Fixtures() {
  }

  static ThrottleSettings settings() {
    return ThrottleFile.parse(FILE, CHANNELS);
  }

  /** {@link #FILE} with one text replaced (the replaced text must occur). */
  static String file(String from, String to) {
    if (!FILE.contains(from)) {
      throw new IllegalArgumentException("fixture does not contain: " + from);
    }
    return FILE.replace(from, to);
  }

  /** A nanosecond clock that only moves when told. */
  static final class ManualClock {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    long nanoTime() {
      return nanos.get();
    }

    void advanceMillis(long millis) {
      nanos.addAndGet(millis * 1_000_000L);
    }

    void advanceNanos(long n) {
      nanos.addAndGet(n);
    }
  }
}
