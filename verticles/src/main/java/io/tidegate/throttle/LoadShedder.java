package io.tidegate.throttle;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidegate.http.ApiFailure;
import io.tidegate.http.ApiKeyAuth;
import io.tidegate.http.Channel;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Bounds the requests of one route class in flight on this gateway instance. Above the limit a
 * request fails at once with {@code 503 OVERLOADED} and {@code Retry-After: 1}; nothing is ever
 * queued, so a rejection costs microseconds and admitted requests keep their latency.
 *
 * <p>Priorities: the top tenth of the limit ({@code ceil(limit / 10)} slots, leaving at least one
 * for everyone) is headroom that only <em>priority</em> requests may use — requests of a channel
 * flagged {@code critical}, and every request of the {@code orders} route class. Ordinary requests
 * are shed once in-flight reaches {@code limit - headroom}; priority requests only at {@code limit}.
 *
 * <p>The limit comes from a {@link ConcurrencyLimit} (adaptive or fixed, per
 * {@link OverloadSettings}); each admitted request that ends with a status below 500 reports its
 * latency, measured from admission to the end of the response, as a sample. Requests that fail with
 * a 5xx or lose their connection are not sampled: their latency says nothing about capacity.
 * Install after the channel throttle, so floods refused with 429 never take an in-flight slot.
 *
 * <p>Queueing in front of the limit: a synchronous read holds its slot for microseconds, so under
 * overload its requests wait in socket buffers, not in flight, and the limit never trips. With
 * {@code maxDelayMs} set, a request is also shed when its event loop runs that far behind
 * ({@link EventLoopDelay}); priority requests only from twice that.
 */
public final class LoadShedder implements Handler<RoutingContext> {

  private final String routeClass;
  private final boolean priorityRoute;
  private final Predicate<Channel> critical;
  private final LongSupplier nanoClock;
  private final LongSupplier loopDelayNanos;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicReference<Configured> configured;
  private final Counter shed;

  private record Configured(OverloadSettings settings, ConcurrencyLimit limit) {
  }

  /**
   * @param loopDelayNanos the smoothed delay of the calling thread's event loop
   *                       ({@link EventLoopDelay#currentNanos})
   */
  LoadShedder(String routeClass, OverloadSettings settings, Predicate<Channel> critical, MeterRegistry registry,
              LongSupplier nanoClock, LongSupplier loopDelayNanos) {
    this.routeClass = routeClass;
    this.loopDelayNanos = loopDelayNanos;
    this.priorityRoute = routeClass.equals("orders");
    this.critical = critical;
    this.nanoClock = nanoClock;
    this.configured = new AtomicReference<>(new Configured(settings, settings.newLimit(nanoClock)));
    this.shed = Counter.builder("gateway_shed_total").tag("route_class", routeClass)
        .description("Requests refused with 503 OVERLOADED by the in-flight limit or the event-loop delay bound")
        .register(registry);
    Gauge.builder("gateway_inflight_limit", this, s -> s.limit())
        .tag("route_class", routeClass).description("Current in-flight limit of the route class")
        .strongReference(true).register(registry);
    Gauge.builder("gateway_inflight_requests", inFlight, AtomicInteger::get)
        .tag("route_class", routeClass).description("Requests of the route class in flight now")
        .strongReference(true).register(registry);
  }

  @Override
  public void handle(RoutingContext rc) {
    Configured now = configured.get();
    ConcurrencyLimit limit = now.limit();
    boolean priority = priority(ApiKeyAuth.channel(rc));
    int admittedAt = tooLate(now.settings(), priority) ? -1 : tryEnter(limit, priority);
    if (admittedAt < 0) {
      shed.increment();
      rc.fail(new ApiFailure.Overloaded("The gateway is at its limit for " + routeClass + " requests", 1));
      return;
    }
    long start = nanoClock.getAsLong();
    rc.addEndHandler(done -> exit(limit, start, admittedAt, done.succeeded() && rc.response().getStatusCode() < 500));
    rc.next();
  }

  /** Order intake, or a channel flagged critical; a route without a channel is ordinary. */
  boolean priority(Channel channel) {
    return priorityRoute || channel != null && critical.test(channel);
  }

  /** Whether the request's event loop runs further behind than the settings allow for it. */
  boolean tooLate(OverloadSettings settings, boolean priority) {
    if (settings.maxDelayMs() == 0) {
      return false;
    }
    long bound = settings.maxDelayMs() * 1_000_000L * (priority ? 2 : 1);
    return loopDelayNanos.getAsLong() > bound;
  }

  /** Takes a slot; returns the in-flight count including this request, or -1 when shed. */
  int tryEnter(ConcurrencyLimit limit, boolean priority) {
    int cap = limit.current();
    int allowed = priority ? cap : ordinaryCap(cap);
    int now = inFlight.incrementAndGet();
    if (now > allowed) {
      inFlight.decrementAndGet();
      return -1;
    }
    return now;
  }

  void exit(ConcurrencyLimit limit, long startNanos, int admittedAt, boolean sample) {
    inFlight.decrementAndGet();
    if (sample) {
      limit.onSample(nanoClock.getAsLong() - startNanos, admittedAt);
    }
  }

  /** The slots ordinary requests may use: all but the top tenth, at least one. */
  static int ordinaryCap(int limit) {
    return Math.max(1, limit - (limit + 9) / 10);
  }

  /** Switches to new settings; an unchanged setting keeps its learned limit, a changed one starts afresh. */
  void reconfigure(OverloadSettings settings) {
    configured.updateAndGet(c -> c.settings().equals(settings) ? c : new Configured(settings, settings.newLimit(nanoClock)));
  }

  public String routeClass() {
    return routeClass;
  }

  public int limit() {
    return configured.get().limit().current();
  }

  public int inFlight() {
    return inFlight.get();
  }

  ConcurrencyLimit currentLimit() {
    return configured.get().limit();
  }
}
