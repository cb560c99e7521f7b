package io.tidegate.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
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

  @Test
  void aFeedThatNeverStopsIsInSyncAsOfTheLastLogEndItReached() {
    // 1,000 records a second on two partitions; the consumer is always 400 records behind the end
    // it is shown, never at zero lag, yet always past the end the previous check read
    long end = 0;
    for (int second = 0; second < 120; second++) {
      long previousEnd = end;
      end += 1_000;
      status.checked(now.get(), Map.of(0, end, 1, end), Map.of(0, end - 400, 1, end - 400));
      assertTrue(end - 400 > previousEnd);
      now.addAndGet(1_000);
    }
    assertEquals(Instant.ofEpochMilli(now.get() - 2_000), status.asOf(), "as of the read before the last one");
    assertFalse(status.stale());
  }

  @Test
  void aConsumerThatStaysAFewChecksBehindIsThatFarBehindAndOneThatFallsBehindTurnsStale() {
    long[] ends = new long[200];
    for (int check = 0; check < 60; check++) {
      ends[check] = 1_000L * (check + 1);
      long applied = check < 3 ? 0 : ends[check - 3];
      status.checked(now.get(), Map.of(0, ends[check]), Map.of(0, applied));
      now.addAndGet(1_000);
    }
    assertEquals(Instant.ofEpochMilli(now.get() - 4_000), status.asOf(), "three checks behind, read a second ago");
    assertFalse(status.stale());

    long appliedWhenStuck = ends[56];
    for (int check = 60; check < 100; check++) {
      ends[check] = 1_000L * (check + 1);
      status.checked(now.get(), Map.of(0, ends[check]), Map.of(0, appliedWhenStuck));
      now.addAndGet(1_000);
    }
    assertTrue(status.stale(), "a consumer stuck for 40 s is past the 30 s bound: " + status.asOf());

    status.checked(now.get(), Map.of(0, ends[99]), Map.of(0, ends[99]));
    assertFalse(status.stale(), "caught up again");
    assertEquals(Instant.ofEpochMilli(now.get()), status.asOf());
  }

  @Test
  void aLaterCheckNeverMovesAsOfBack() {
    status.markInSync();
    now.addAndGet(5_000);
    status.checked(now.get() - 10_000, Map.of(0, 10L), Map.of(0, 10L));
    assertEquals(Instant.ofEpochMilli(1_000_000), status.asOf());
  }
}
