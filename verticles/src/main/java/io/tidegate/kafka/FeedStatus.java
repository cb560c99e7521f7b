package io.tidegate.kafka;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * How fresh a read model is. {@code asOf} is the latest moment of which the model is known to
 * reflect the whole feed: the time a lag check read the topic's log ends, once the consumer has
 * applied everything up to those ends. When that moment is older than the staleness bound — the
 * broker is down, the consumer is stuck or far behind — answers say {@code stale: true}.
 *
 * <p>A feed that never stops (inventory at peak) is never at exactly zero lag when a check looks;
 * it is still fresh as of the last read of the ends it has since caught up with, a check interval
 * or so ago. Requiring zero lag would call such a feed stale while it is seconds behind.
 */
public final class FeedStatus {

  /** Log-end reads kept until the model catches up with them (at one a second, over a minute). */
  private static final int READS_KEPT = 128;

  private final long staleAfterMillis;
  private final LongSupplier clockMillis;
  private final AtomicLong inSyncAtMillis = new AtomicLong(0);
  /** The last {@link #asOfText()} answer, so a hot read path formats each moment once. */
  private volatile AsOfText asOfText = new AsOfText(0, Instant.EPOCH.toString());

  /** Reads of the log ends the model has not caught up with yet, oldest first (lag checks only). */
  private final Deque<EndsRead> pending = new ArrayDeque<>();

  public FeedStatus(long staleAfterMillis, LongSupplier clockMillis) {
    this.staleAfterMillis = staleAfterMillis;
    this.clockMillis = clockMillis;
  }

  /** Marks the model in sync now (it has applied everything there is). */
  public void markInSync() {
    markInSyncAsOf(clockMillis.getAsLong());
  }

  /** The clock a lag check reads before it asks for the log ends. */
  public long nowMillis() {
    return clockMillis.getAsLong();
  }

  /**
   * One lag check: the log ends per partition as read at {@code readAtMillis}, and the next offset
   * the model will apply per partition. The model is in sync as of the newest read, this one or an
   * earlier one, whose ends it has reached; reads it has not reached are kept for later checks.
   */
  public synchronized void checked(long readAtMillis, Map<Integer, Long> ends, Map<Integer, Long> applied) {
    pending.addLast(new EndsRead(readAtMillis, Map.copyOf(ends)));
    if (pending.size() > READS_KEPT) {
      pending.removeFirst();
    }
    long inSyncAt = -1;
    while (!pending.isEmpty() && pending.peekFirst().reachedBy(applied)) {
      inSyncAt = pending.removeFirst().atMillis();
    }
    if (inSyncAt >= 0) {
      markInSyncAsOf(inSyncAt);
    }
  }

  private void markInSyncAsOf(long millis) {
    inSyncAtMillis.accumulateAndGet(millis, Math::max);
  }

  /** When the model was last known to reflect the whole feed; the epoch if never. */
  public Instant asOf() {
    return Instant.ofEpochMilli(inSyncAtMillis.get());
  }

  /** {@link #asOf()} in ISO-8601, as answers carry it; formatted once per moment, not per request. */
  public String asOfText() {
    long millis = inSyncAtMillis.get();
    AsOfText last = asOfText;
    if (last.millis() != millis) {
      last = new AsOfText(millis, Instant.ofEpochMilli(millis).toString());
      asOfText = last;
    }
    return last.text();
  }

  public boolean stale() {
    return clockMillis.getAsLong() - inSyncAtMillis.get() > staleAfterMillis;
  }

  public boolean everInSync() {
    return inSyncAtMillis.get() > 0;
  }

  private record EndsRead(long atMillis, Map<Integer, Long> ends) {
    boolean reachedBy(Map<Integer, Long> applied) {
      for (Map.Entry<Integer, Long> end : ends.entrySet()) {
        if (applied.getOrDefault(end.getKey(), 0L) < end.getValue()) {
          return false;
        }
      }
      return true;
    }
  }

  private record AsOfText(long millis, String text) {
  }
}
