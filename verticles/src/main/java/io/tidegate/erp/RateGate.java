package io.tidegate.erp;

import java.util.function.LongSupplier;

/**
 * Paces calls at a configured rate: each {@link #reserve()} returns how long the caller must wait
 * for its slot. Slots are evenly spaced, but up to {@code burst} calls may go at once when the pace
 * fell behind (idle, or the process did not run for a while): a token bucket of {@code burst}
 * tokens refilled at the rate, in the form of a theoretical next slot that may lag the clock by at
 * most {@code burst - 1} intervals. Over any window of T seconds at most {@code rate x T + burst}
 * calls go. {@link #pause} pushes every later slot back and spends the saved-up burst (the ERP said
 * 429 with Retry-After). Event-loop confined; the clock is injected so it is tested without sleeping.
 */
public final class RateGate {

  private final long intervalNanos;
  private final long creditNanos;
  private final LongSupplier nanoClock;
  private long nextSlot;

  public RateGate(int perSecond, int burst, LongSupplier nanoClock) {
    if (perSecond < 1 || burst < 1) {
      throw new IllegalArgumentException("perSecond and burst must be >= 1");
    }
    this.intervalNanos = 1_000_000_000L / perSecond;
    this.creditNanos = (burst - 1) * intervalNanos;
    this.nanoClock = nanoClock;
    this.nextSlot = nanoClock.getAsLong();
  }

  /** Milliseconds to wait before the reserved call may go (0 = now). */
  public long reserve() {
    long now = nanoClock.getAsLong();
    long base = Math.max(nextSlot, now - creditNanos);
    long slot = Math.max(now, base);
    nextSlot = base + intervalNanos;
    return (slot - now) / 1_000_000;
  }

  /** No slot starts before {@code millis} from now. */
  public void pause(long millis) {
    nextSlot = Math.max(nextSlot, nanoClock.getAsLong() + millis * 1_000_000);
  }
}
