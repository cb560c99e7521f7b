package io.tidegate.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A dependency check run in the background every {@code intervalMs}, so that a readiness probe
 * answers at once with its latest outcome instead of waiting, with a dead broker or database, for
 * the check's time-out (3 s, more than a load balancer's usual probe time-out of 1 s).
 *
 * <p>One check at a time: while one has not answered, no other is started (a client's own request
 * time-out can be far longer than the probe's, and calls must not pile up behind a dead
 * dependency). A check that has not answered within {@code timeoutMs} counts as failed from then
 * on. Until the first check has answered, {@link #latest()} is that check (bounded by the time-out).
 */
public final class BackgroundCheck<T> {

  private final Supplier<Future<T>> check;
  private final long timeoutMs;
  private final LongSupplier clock;
  private Future<T> latest;
  private Future<T> pending;
  private long pendingSince;
  private java.util.function.BiConsumer<Boolean, Throwable> onChange = (up, cause) -> { };
  private Boolean reportedUp;

  BackgroundCheck(Supplier<Future<T>> check, long timeoutMs, LongSupplier clock) {
    this.check = check;
    this.timeoutMs = timeoutMs;
    this.clock = clock;
  }

  /** Starts checking now and then every {@code intervalMs}, until {@code vertx} closes. */
  public static <T> BackgroundCheck<T> every(Vertx vertx, long intervalMs, long timeoutMs, Supplier<Future<T>> check) {
    BackgroundCheck<T> background = new BackgroundCheck<>(check, timeoutMs, System::currentTimeMillis);
    background.run();
    vertx.setPeriodic(intervalMs, id -> background.run());
    return background;
  }

  /**
   * Told when the outcome turns (false and the cause when the dependency stops answering, true when
   * it answers again), at the next check after it did; a first outcome that is up is not told.
   */
  public synchronized BackgroundCheck<T> onChange(java.util.function.BiConsumer<Boolean, Throwable> listener) {
    this.onChange = listener;
    return this;
  }

  /** Starts a check unless one is still waiting for its answer. */
  synchronized void run() {
    report();
    if (pending != null) {
      return;
    }
    Future<T> started = start();
    pending = started;
    pendingSince = clock.getAsLong();
    started.onComplete(ar -> finished(started));
  }

  private void report() {
    Future<T> now = latest != null || pending != null ? latest() : null;
    if (now == null || !now.isComplete()) {
      return;
    }
    boolean up = now.succeeded();
    if (reportedUp == null ? !up : reportedUp != up) {
      onChange.accept(up, now.cause());
    }
    reportedUp = up;
  }

  private Future<T> start() {
    try {
      return check.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private synchronized void finished(Future<T> done) {
    latest = done;
    if (pending == done) {
      pending = null;
    }
  }

  /**
   * The latest outcome: failed with a {@link TimeoutException} while a check has gone unanswered
   * for longer than the time-out, else the last answered check.
   */
  public synchronized Future<T> latest() {
    if (pending != null && clock.getAsLong() - pendingSince >= timeoutMs) {
      return Future.failedFuture(new TimeoutException("no answer within " + timeoutMs + " ms"));
    }
    if (latest != null) {
      return latest;
    }
    long left = Math.max(1, timeoutMs - (clock.getAsLong() - pendingSince));
    return pending.timeout(left, TimeUnit.MILLISECONDS);
  }
}
