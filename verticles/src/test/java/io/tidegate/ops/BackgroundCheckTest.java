package io.tidegate.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BackgroundCheckTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final List<Promise<String>> calls = new ArrayList<>();
  private final BackgroundCheck<String> check = new BackgroundCheck<>(() -> {
    Promise<String> call = Promise.promise();
    calls.add(call);
    return call.future();
  }, 3000, now::get);

  @Test
  void answersWithTheLatestOutcomeAtOnce() {
    check.run();
    calls.get(0).complete("up");
    now.addAndGet(1000);
    check.run();
    assertEquals("up", check.latest().result(), "the last answer while the next one is under way");
    calls.get(1).fail("down");
    assertTrue(check.latest().failed());
    check.run();
    calls.get(2).complete("up again");
    assertEquals("up again", check.latest().result());
  }

  @Test
  void aCheckUnansweredForTheTimeOutIsDownAndNoOtherPilesUpBehindIt() {
    check.run();
    calls.get(0).complete("up");
    check.run();
    now.addAndGet(2999);
    check.run();
    assertEquals(2, calls.size(), "no second call while one waits");
    assertEquals("up", check.latest().result());
    now.addAndGet(1);
    Future<String> latest = check.latest();
    assertTrue(latest.failed());
    assertInstanceOf(TimeoutException.class, latest.cause());
    calls.get(1).complete("late");
    assertEquals("late", check.latest().result(), "the late answer counts once it comes");
    check.run();
    assertEquals(3, calls.size());
  }

  @Test
  void beforeTheFirstAnswerTheFirstCheckIsAwaited() {
    check.run();
    Future<String> first = check.latest();
    assertFalse(first.isComplete());
    calls.get(0).complete("up");
    assertEquals("up", first.result());
  }

  @Test
  void aTurnIsToldOnceEachWayAndAFirstUpNotAtAll() {
    List<String> told = new ArrayList<>();
    check.onChange((up, cause) -> told.add(up ? "up" : "down: " + cause.getMessage()));
    check.run();
    calls.get(0).complete("up");
    check.run();
    calls.get(1).fail("refused");
    check.run();
    check.run();
    now.addAndGet(3000);
    check.run();
    calls.get(2).complete("up");
    check.run();
    check.run();
    assertEquals(List.of("down: refused", "up"), told);
    now.addAndGet(3000);
    check.run();
    assertEquals("down: no answer within 3000 ms", told.get(2), "a check that hangs is a turn too");
  }

  @Test
  void aCheckThatThrowsCountsAsFailed() {
    BackgroundCheck<String> throwing = new BackgroundCheck<>(() -> {
      throw new IllegalStateException("closed");
    }, 3000, now::get);
    throwing.run();
    assertTrue(throwing.latest().failed());
    throwing.run();
    assertTrue(throwing.latest().failed());
  }
}
