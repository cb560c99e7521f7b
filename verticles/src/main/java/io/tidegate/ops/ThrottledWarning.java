package io.tidegate.ops;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * A warning that a request path may raise thousands of times a second (a store that is down at
 * peak): logged at once the first time, then at most once per interval, each time with how many
 * were left out since the last line. The operator still sees that it happens, when it started and
 * how often, and the log does not drown. The metrics count every occurrence.
 *
 * <p>Lock-free; shared by every event loop.
 */
public final class ThrottledWarning {

  private final Logger log;
  private final String message;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final AtomicLong nextAt;
  private final AtomicLong leftOut = new AtomicLong();

  /**
   * @param message an SLF4J format with exactly one {@code {}}, filled with the cause of each
   *                occurrence, e.g. {@code "quote store unavailable: {}"}
   */
  public ThrottledWarning(Logger log, String message, long interval, TimeUnit unit, LongSupplier nanoClock) {
    this.log = log;
    this.message = message;
    this.intervalNanos = unit.toNanos(interval);
    this.nanoClock = nanoClock;
    this.nextAt = new AtomicLong(nanoClock.getAsLong());
  }

  /** At most one line every 10 s. */
  public ThrottledWarning(Logger log, String message) {
    this(log, message, 10, TimeUnit.SECONDS, System::nanoTime);
  }

  /** Logs {@code message} with {@code cause}, unless a line went out less than an interval ago. */
  public void warn(Object cause) {
    long now = nanoClock.getAsLong();
    long due = nextAt.get();
    if (now - due < 0 || !nextAt.compareAndSet(due, now + intervalNanos)) {
      leftOut.incrementAndGet();
      return;
    }
    long skipped = leftOut.getAndSet(0);
    if (skipped == 0) {
      log.warn(message, cause);
    } else {
      log.warn(message + " ({} more like this not logged since the last line)", cause, skipped);
    }
  }
}
