package io.tidegate.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  private final Fixtures.ManualClock clock = new Fixtures.ManualClock();

  private TokenBucket bucket(int quota, int window, int burst) {
    return new TokenBucket(new RatePolicy("atp", quota, window, burst), clock::nanoTime);
  }

  @Test
  void aFullBucketAllowsItsBurstAtOnceThenRefuses() {
    TokenBucket bucket = bucket(10, 1, 10);
    for (int i = 9; i >= 0; i--) {
      TokenBucket.Decision d = bucket.tryTake();
      assertTrue(d.allowed());
      assertEquals(i, d.remaining());
    }
    TokenBucket.Decision refused = bucket.tryTake();
    assertFalse(refused.allowed());
    assertEquals(0, refused.remaining());
    assertEquals(1, refused.retryAfterSeconds(), "the next token comes in 100 ms, rounded up to 1 s");
    assertEquals(1, refused.resetSeconds());
  }

  @Test
  void theAdvertisedRemainderNeverExceedsTheQuotaEvenWithALargerBurst() {
    TokenBucket bucket = bucket(10, 1, 30);
    TokenBucket.Decision first = bucket.tryTake();
    assertEquals(29, first.remaining(), "the bucket itself holds the burst");
    assertEquals("\"atp\";r=10;t=1", bucket.stateHeader(first));
    for (int i = 0; i < 24; i++) {
      bucket.tryTake();
    }
    assertEquals("\"atp\";r=5;t=3", bucket.stateHeader(bucket.peek()));
  }

  @Test
  void refillsAtQuotaPerWindow() {
    TokenBucket bucket = bucket(10, 1, 10);
    drain(bucket);
    clock.advanceMillis(99);
    assertFalse(bucket.tryTake().allowed());
    clock.advanceMillis(1);
    assertTrue(bucket.tryTake().allowed());
    assertFalse(bucket.tryTake().allowed());
    clock.advanceMillis(350);
    assertEquals(3, takeAll(bucket), "3.5 intervals give 3 whole tokens");
    clock.advanceMillis(10_000);
    assertEquals(10, takeAll(bucket), "an idle bucket never holds more than its burst");
  }

  @Test
  void burstSmallerThanQuotaSmoothsArrivals() {
    TokenBucket bucket = bucket(100, 10, 5);
    assertEquals(5, takeAll(bucket));
    clock.advanceMillis(100);
    assertEquals(1, takeAll(bucket), "refill is quota/window = 10 per second");
  }

  @Test
  void burstLargerThanQuotaAllowsASpikeAfterAQuietSpell() {
    TokenBucket bucket = bucket(10, 1, 30);
    assertEquals(30, takeAll(bucket));
    clock.advanceMillis(1000);
    assertEquals(10, takeAll(bucket));
  }

  @Test
  void retryAfterIsNeverEarlierThanTheBucketAllows() {
    int[][] policies = {{1, 60, 1}, {3, 60, 3}, {7, 10, 2}, {200, 1, 200}, {5, 3600, 1}};
    for (int[] p : policies) {
      TokenBucket bucket = bucket(p[0], p[1], p[2]);
      clock.advanceMillis(123);
      drain(bucket);
      TokenBucket.Decision refused = bucket.tryTake();
      assertFalse(refused.allowed());
      assertTrue(refused.retryAfterSeconds() >= 1);
      if (refused.retryAfterSeconds() > 1) {
        clock.advanceMillis((refused.retryAfterSeconds() - 1) * 1000);
        assertFalse(bucket.tryTake().allowed(), "retrying a second early must still fail " + List.of(p[0], p[1], p[2]));
        clock.advanceMillis(1000);
      } else {
        clock.advanceMillis(1000);
      }
      assertTrue(bucket.tryTake().allowed(), "retrying after Retry-After succeeds " + List.of(p[0], p[1], p[2]));
    }
  }

  @Test
  void aRefusalsRetryAfterIsNeverEarlierThanTheResetItAdvertises() {
    int[][] policies = {{1, 60, 1}, {3, 60, 3}, {7, 10, 2}, {10, 1, 30}, {200, 1, 200}, {5, 3600, 1}, {2, 1, 10}};
    for (int[] p : policies) {
      TokenBucket bucket = bucket(p[0], p[1], p[2]);
      for (int step = 0; step < 50; step++) {
        TokenBucket.Decision d = bucket.tryTake();
        if (!d.allowed()) {
          assertTrue(d.retryAfterSeconds() >= d.resetSeconds(), "Retry-After " + d.retryAfterSeconds() + " vs t "
              + d.resetSeconds() + " for " + List.of(p[0], p[1], p[2]));
          assertEquals(0, d.remaining());
        }
        clock.advanceMillis(37L * step % 700);
      }
    }
  }

  @Test
  void retryAfterOfASlowPolicyIsTheWholeInterval() {
    TokenBucket bucket = bucket(3, 60, 3);
    drain(bucket);
    TokenBucket.Decision refused = bucket.tryTake();
    assertEquals(20, refused.retryAfterSeconds());
    assertEquals(20, refused.resetSeconds(), "with nothing left, t is when the next token comes");
  }

  @Test
  void resetIsTheTimeUntilFullWhileTokensAreLeftThenUntilTheNextToken() {
    TokenBucket bucket = bucket(2, 10, 2);
    TokenBucket.Decision first = bucket.tryTake();
    assertEquals(1, first.remaining());
    assertEquals(5, first.resetSeconds());
    TokenBucket.Decision last = bucket.tryTake();
    assertEquals(0, last.remaining());
    assertEquals(5, last.resetSeconds(), "none left: the next token in 5 s, not full in 10 s");
    assertEquals(5, bucket.peek().resetSeconds());
    clock.advanceMillis(5_000);
    assertEquals(1, bucket.peek().remaining());
    assertEquals(5, bucket.peek().resetSeconds(), "one left: full in 5 s");
    clock.advanceMillis(5_000);
    TokenBucket.Decision full = bucket.peek();
    assertEquals(2, full.remaining());
    assertEquals(0, full.resetSeconds());
  }

  @Test
  void reconfiguringKeepsTheFillCappedAtTheNewBurst() {
    TokenBucket drained = bucket(10, 1, 10);
    drain(drained);
    TokenBucket raised = drained.reconfigured(new RatePolicy("atp", 100, 1, 100));
    assertFalse(raised.peek().allowed(), "a reload does not hand a drained channel a fresh burst");
    clock.advanceMillis(10);
    assertEquals(1, takeAll(raised), "it refills at the new rate");

    TokenBucket full = bucket(10, 1, 10);
    TokenBucket lowered = full.reconfigured(new RatePolicy("atp", 4, 1, 4));
    assertEquals(4, takeAll(lowered), "an idle bucket keeps at most the new burst");

    TokenBucket half = bucket(10, 1, 10);
    for (int i = 0; i < 5; i++) {
      half.tryTake();
    }
    assertEquals(5, takeAll(half.reconfigured(new RatePolicy("atp", 20, 1, 20))));
  }

  @Test
  void manyThreadsNeverTakeMoreThanTheBucketHolds() throws Exception {
    TokenBucket bucket = bucket(1000, 60, 1000);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      results.add(pool.submit(() -> {
        go.await();
        int allowed = 0;
        for (int i = 0; i < 5_000; i++) {
          if (bucket.tryTake().allowed()) {
            allowed++;
          }
        }
        return allowed;
      }));
    }
    go.countDown();
    int total = 0;
    for (Future<Integer> f : results) {
      total += f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdownNow();
    assertEquals(1000, total);
  }

  private static void drain(TokenBucket bucket) {
    takeAll(bucket);
  }

  private static int takeAll(TokenBucket bucket) {
    int n = 0;
    while (bucket.tryTake().allowed()) {
      n++;
    }
    return n;
  }
}
