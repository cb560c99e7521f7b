package io.tidegate.throttle;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A token bucket for one (channel, policy), shared by every event loop and therefore lock-free.
 * It is kept in the GCRA form (generic cell rate algorithm): instead of a token count and a refill
 * time, one {@link AtomicLong} holds the <em>theoretical arrival time</em> {@code tat} — the
 * instant at which the bucket would be full again. Taking a token moves {@code tat} one emission
 * interval ({@code window / quota}) later; a take is refused when that would put {@code tat} more
 * than {@code burst} intervals ahead of now. One compare-and-set per request, no background refill,
 * and the answers a client needs (tokens left, seconds until full, seconds until the next token)
 * fall out of {@code tat - now}.
 *
 * <p>The emission interval is rounded up to whole nanoseconds, so a bucket never admits more than
 * {@code quota} per window (it is at most a nanosecond per token stricter).
 */
public final class TokenBucket {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  /**
   * The outcome of one take.
   *
   * @param allowed           whether the request may proceed
   * @param remaining         whole tokens left after this take ({@code r} of the {@code RateLimit} field)
   * @param resetSeconds      {@code t} of the {@code RateLimit} field, rounded up: while tokens are
   *                          left, seconds until the bucket is full again; when none is left, seconds
   *                          until the next one comes, the earliest a request is admitted again (so a
   *                          429's {@code Retry-After} is never earlier than the {@code t} it carries)
   * @param retryAfterSeconds when refused: seconds until a token is available, rounded up, at least
   *                          1; 0 when allowed
   */
  public record Decision(boolean allowed, long remaining, long resetSeconds, long retryAfterSeconds) {
  }

  private final RatePolicy policy;
  private final LongSupplier nanoClock;
  private final long intervalNanos;
  private final long toleranceNanos;
  private final AtomicLong tat;
  private final CharSequence policyHeader;

  /** A full bucket. */
  public TokenBucket(RatePolicy policy, LongSupplier nanoClock) {
    this(policy, nanoClock, nanoClock.getAsLong());
  }

  private TokenBucket(RatePolicy policy, LongSupplier nanoClock, long tat) {
    this.policy = policy;
    this.nanoClock = nanoClock;
    this.intervalNanos = ceilDiv(policy.windowSeconds() * NANOS_PER_SECOND, policy.quota());
    this.toleranceNanos = (long) Math.min((double) intervalNanos * policy.burst(), 1e18);
    this.tat = new AtomicLong(tat);
    this.policyHeader = io.vertx.core.http.HttpHeaders.createOptimized(policy.headerValue());
  }

  public RatePolicy policy() {
    return policy;
  }

  /** Takes one token if there is one. */
  public Decision tryTake() {
    long now = nanoClock.getAsLong();
    while (true) {
      long current = tat.get();
      long base = Math.max(current, now);
      long ahead = base + intervalNanos - now;
      if (ahead > toleranceNanos) {
        long retryAfter = Math.max(1, ceilSeconds(ahead - toleranceNanos));
        return new Decision(false, 0, retryAfter, retryAfter);
      }
      if (tat.compareAndSet(current, base + intervalNanos)) {
        long remaining = (toleranceNanos - ahead) / intervalNanos;
        return new Decision(true, remaining, reset(ahead, remaining), 0);
      }
    }
  }

  /** The state without taking a token (for the headers of a request refused for another reason). */
  public Decision peek() {
    long now = nanoClock.getAsLong();
    long ahead = Math.max(tat.get(), now) - now;
    long remaining = Math.max(0, (toleranceNanos - ahead) / intervalNanos);
    return new Decision(ahead + intervalNanos <= toleranceNanos, remaining, reset(ahead, remaining), 0);
  }

  /**
   * {@code t} for a bucket {@code ahead} nanoseconds from full with {@code remaining} whole tokens:
   * until full while any is left, else until the next token (at least 1 s: the next take is refused
   * until then).
   */
  private long reset(long ahead, long remaining) {
    return remaining > 0 ? ceilSeconds(ahead) : Math.max(1, ceilSeconds(ahead + intervalNanos - toleranceNanos));
  }

  /**
   * A bucket for a changed policy that keeps this bucket's current fill, capped at the new burst:
   * a reload neither hands a drained channel a fresh burst nor takes tokens from an idle one
   * (beyond the new capacity). A take that races with the swap may still land on this bucket.
   */
  public TokenBucket reconfigured(RatePolicy next) {
    long now = nanoClock.getAsLong();
    double available = (toleranceNanos - (Math.max(tat.get(), now) - now)) / (double) intervalNanos;
    double kept = Math.max(0, Math.min(available, next.burst()));
    long nextInterval = ceilDiv(next.windowSeconds() * NANOS_PER_SECOND, next.quota());
    return new TokenBucket(next, nanoClock, now + (long) ((next.burst() - kept) * nextInterval));
  }

  /** {@code "atp";q=200;w=1}. */
  CharSequence policyHeader() {
    return policyHeader;
  }

  /**
   * {@code "atp";r=37;t=1}. {@code r} is capped at the policy's quota {@code q}: with a burst larger
   * than the quota the bucket may hold more, but a client told it has more left than its quota per
   * window would read the fields as inconsistent.
   */
  String stateHeader(Decision d) {
    return "\"" + policy.name() + "\";r=" + Math.min(d.remaining(), policy.quota()) + ";t=" + d.resetSeconds();
  }

  private static long ceilSeconds(long nanos) {
    return nanos <= 0 ? 0 : ceilDiv(nanos, NANOS_PER_SECOND);
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
