package io.tidegate.kafka;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * How fresh a read model is. {@code asOf} is the last moment the feed consumer confirmed that it
 * had applied everything in the topic (zero lag on every partition). When that moment is older than
 * the staleness bound — the broker is down, the consumer is stuck or far behind — answers say
 * {@code stale: true}.
 */
public final class FeedStatus {

  private final long staleAfterMillis;
  private final LongSupplier clockMillis;
  private final AtomicLong inSyncAtMillis = new AtomicLong(0);

  public FeedStatus(long staleAfterMillis, LongSupplier clockMillis) {
    this.staleAfterMillis = staleAfterMillis;
    this.clockMillis = clockMillis;
  }

  public void markInSync() {
    inSyncAtMillis.set(clockMillis.getAsLong());
  }

  /** When the model was last known to reflect the whole feed; the epoch if never. */
  public Instant asOf() {
    return Instant.ofEpochMilli(inSyncAtMillis.get());
  }

  public boolean stale() {
    return clockMillis.getAsLong() - inSyncAtMillis.get() > staleAfterMillis;
  }

  public boolean everInSync() {
    return inSyncAtMillis.get() > 0;
  }
}
