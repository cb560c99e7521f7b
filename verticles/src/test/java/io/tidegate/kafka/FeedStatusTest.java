package io.tidegate.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FeedStatusTest {

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final FeedStatus status = new FeedStatus(30_000, now::get);

  @Test
  void aModelNeverInSyncIsStale() {
    assertTrue(status.stale());
    assertFalse(status.everInSync());
  }

  @Test
  void freshWithinTheBoundAndStaleAfterIt() {
    status.markInSync();
    assertEquals(Instant.ofEpochMilli(1_000_000), status.asOf());
    now.addAndGet(30_000);
    assertFalse(status.stale());
    now.addAndGet(1);
    assertTrue(status.stale());
    status.markInSync();
    assertFalse(status.stale());
  }

  @Test
  void asOfTextFollowsEveryNewMoment() {
    assertEquals("1970-01-01T00:00:00Z", status.asOfText());
    status.markInSync();
    assertEquals("1970-01-01T00:16:40Z", status.asOfText());
    now.addAndGet(1);
    status.markInSync();
    assertEquals("1970-01-01T00:16:40.001Z", status.asOfText());
    assertEquals(status.asOf().toString(), status.asOfText());
  }
}
