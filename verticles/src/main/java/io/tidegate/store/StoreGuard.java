package io.tidegate.store;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import java.util.function.Supplier;

/**
 * The deadline and circuit breaker ({@code postgres}) in front of the PostgreSQL work a client's
 * request waits for: idempotency claims, intake's record of an order, quotes, order reads.
 *
 * <p>A database that stops answering (frozen, cut off by the network) never fails a query: the
 * request would wait until the client or the connection's idle time-out gave up, and end with no
 * answer at all. Behind this guard each call fails after {@code postgres.requestTimeoutMs}; after
 * {@link #MAX_FAILURES} such failures the breaker answers at once, and lets one call through every
 * {@link #RESET_MS} ms, so that it closes by itself when the database is back. The repositories
 * turn either failure into {@code 503 DEPENDENCY_UNAVAILABLE} with {@code Retry-After}.
 *
 * <p>Only "the database did not answer" counts against the breaker: an error PostgreSQL answered
 * ({@link PgException}) shows it is up, and a full statement queue or pool wait queue is this
 * instance's own overload, which the callers already shed.
 */
public final class StoreGuard {

  static final int MAX_FAILURES = 3;
  static final long RESET_MS = 2000;
  private static final StoreGuard UNGUARDED = new StoreGuard(null);

  private final CircuitBreaker breaker;

  private StoreGuard(CircuitBreaker breaker) {
    this.breaker = breaker;
  }

  public static StoreGuard create(Vertx vertx, long timeoutMs, MeterRegistry registry) {
    CircuitBreaker breaker = CircuitBreaker.create("postgres", vertx, new CircuitBreakerOptions()
            .setMaxFailures(MAX_FAILURES)
            .setTimeout(timeoutMs)
            .setResetTimeout(RESET_MS))
        .failurePolicy(StoreGuard::databaseDidNotAnswer);
    registry.gauge("gateway_circuit_breaker_open", Tags.of("name", "postgres"), breaker,
        b -> b.state() == CircuitBreakerState.CLOSED ? 0 : 1);
    return new StoreGuard(breaker);
  }

  /**
   * No deadline and no breaker: for the background writers (the status projector, the ERP poster),
   * which no client waits on and which retry from Kafka, and for tests of the SQL itself.
   */
  public static StoreGuard unguarded() {
    return UNGUARDED;
  }

  /** {@code work}, failed after the deadline or at once while the breaker is open. */
  public <T> Future<T> call(Supplier<Future<T>> work) {
    return breaker == null ? work.get() : breaker.execute(work);
  }

  /** {@code closed}, {@code open} or {@code half_open}, for readiness details. */
  public String breakerState() {
    return breaker == null ? "closed" : breaker.state().name().toLowerCase();
  }

  private static boolean databaseDidNotAnswer(Future<?> outcome) {
    if (outcome.succeeded()) {
      return false;
    }
    Throwable cause = outcome.cause();
    return !(cause instanceof PgException || cause instanceof GroupedStatement.Saturated
        || cause instanceof ConnectionPoolTooBusyException);
  }
}
