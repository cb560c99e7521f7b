package io.tidegate.dev;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes — instead of sleeping for ordering. */
public final class Eventually {

  private Eventually() {
  }

  public static <T> T await(Duration limit, String what, Supplier<T> probe, java.util.function.Predicate<T> done) {
    long deadline = System.nanoTime() + limit.toNanos();
    T last = null;
    while (System.nanoTime() < deadline) {
      last = probe.get();
      if (done.test(last)) {
        return last;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
    }
    throw new AssertionError("timed out after " + limit.toMillis() + " ms waiting for " + what + "; last value: " + last);
  }
}
