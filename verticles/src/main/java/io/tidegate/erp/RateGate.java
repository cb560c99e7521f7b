package io.tidegate.erp;

import java.util.function.LongSupplier;

/**
 * Spaces calls evenly at a configured rate: each {@link #reserve()} returns how long the caller
 * must wait for its slot. {@link #pause} pushes every later slot back (the ERP said 429 with
 * Retry-After). Event-loop confined; the clock is injected so it is tested without sleeping.
 */
public final class RateGate {

  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private long nextSlot;

  public RateGate(int perSecond, LongSupplier nanoClock) {
    this.intervalNanos = 1_000_000_000L / perSecond;
    this.nanoClock = nanoClock;
    this.nextSlot = nanoClock.getAsLong();
  }

  /** Milliseconds to wait before the reserved call may go (0 = now). */
  public long reserve() {
    long now = nanoClock.getAsLong();
    long slot = Math.max(now, nextSlot);
    nextSlot = slot + intervalNanos;
    return (slot - now) / 1_000_000;
  }

  /** No slot starts before {@code millis} from now. */
  public void pause(long millis) {
    nextSlot = Math.max(nextSlot, nanoClock.getAsLong() + millis * 1_000_000);
  }
}
