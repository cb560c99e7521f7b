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
  /** The last {@link #asOfText()} answer, so a hot read path formats each moment once. */
  private volatile AsOfText asOfText = new AsOfText(0, Instant.EPOCH.toString());

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

  private record AsOfText(long millis, String text) {
  }
}
