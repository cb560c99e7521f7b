package io.tidegate.throttle;

import io.micrometer.core.instrument.Counter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * The run-time state of one channel: a bucket per policy, the count of its requests in flight
 * across all routes, and its rejection counters (registered once, so the hot path does no meter
 * lookup). Shared by every event loop; everything here is lock-free.
 */
final class ChannelState {

  private final LongSupplier nanoClock;
  private final AtomicReferenceArray<TokenBucket> buckets = new AtomicReferenceArray<>(ThrottleSettings.POLICIES.size());
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Counter[] rejections;

  ChannelState(String channel, ThrottleMetrics metrics, LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.rejections = new Counter[ThrottleSettings.POLICIES.size() + 1];
    for (int i = 0; i < ThrottleSettings.POLICIES.size(); i++) {
      rejections[i] = metrics.rejections(channel, ThrottleSettings.POLICIES.get(i));
    }
    rejections[ThrottleSettings.POLICIES.size()] = metrics.rejections(channel, Throttles.CONCURRENCY);
  }

  /** The bucket of a policy, rebuilt (keeping its fill) when the policy changed since it was made. */
  TokenBucket bucket(int index, RatePolicy policy) {
    while (true) {
      TokenBucket current = buckets.get(index);
      if (current != null && (current.policy() == policy || current.policy().equals(policy))) {
        return current;
      }
      TokenBucket next = current == null ? new TokenBucket(policy, nanoClock) : current.reconfigured(policy);
      if (buckets.compareAndSet(index, current, next)) {
        return next;
      }
    }
  }

  /** Takes an in-flight slot unless {@code max} are taken; never admits more than {@code max}. */
  boolean tryEnter(int max) {
    while (true) {
      int now = inFlight.get();
      if (now >= max) {
        return false;
      }
      if (inFlight.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  void exit() {
    inFlight.decrementAndGet();
  }

  int inFlight() {
    return inFlight.get();
  }

  /** Counts a refusal; {@code index} is the policy's, or {@code POLICIES.size()} for the concurrency cap. */
  void rejected(int index) {
    rejections[index].increment();
  }
}
