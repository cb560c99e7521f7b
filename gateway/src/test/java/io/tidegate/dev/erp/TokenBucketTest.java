package io.tidegate.dev.erp;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TokenBucketTest {

  private static final long MS = 1_000_000L;

  private final AtomicLong now = new AtomicLong(5_000 * MS);

  @Test
  void burstEqualsRateThenRefusesWithTimeUntilNextToken() {
    TokenBucket bucket = new TokenBucket(2, now::get);
    assertEquals(0, bucket.tryAcquire());
    assertEquals(0, bucket.tryAcquire());
    assertEquals(500 * MS, bucket.tryAcquire(), "rate 2/s: next token in 500 ms");
    now.addAndGet(250 * MS);
    assertEquals(250 * MS, bucket.tryAcquire(), "a refusal takes no token");
    now.addAndGet(250 * MS);
    assertEquals(0, bucket.tryAcquire());
  }

  @Test
  void refillNeverExceedsTheBurst() {
    TokenBucket bucket = new TokenBucket(3, now::get);
    now.addAndGet(60_000 * MS);
    assertEquals(0, bucket.tryAcquire());
    assertEquals(0, bucket.tryAcquire());
    assertEquals(0, bucket.tryAcquire());
    assertEquals(true, bucket.tryAcquire() > 0, "only 3 tokens after a long idle time");
  }

  @Test
  void retryAfterIsWholeSecondsNeverEarlierThanTheNextToken() {
    assertEquals(1, TokenBucket.retryAfterSeconds(1));
    assertEquals(1, TokenBucket.retryAfterSeconds(1_000 * MS));
    assertEquals(2, TokenBucket.retryAfterSeconds(1_000 * MS + 1));
    TokenBucket slow = new TokenBucket(1, now::get);
    assertEquals(0, slow.tryAcquire());
    now.addAndGet(100 * MS);
    long wait = slow.tryAcquire();
    assertEquals(900 * MS, wait);
    assertEquals(1, TokenBucket.retryAfterSeconds(wait));
  }
}
