package io.tidegate.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Counts every answered request as {@code gateway_requests_total{route_class, channel, outcome}}.
 * Labels stay bounded: the route class comes from the OpenAPI operation ({@code atp}, {@code prices},
 * {@code orders}, {@code status}, or {@code admin}, {@code ops}, {@code unrouted}), the channel is a
 * configured channel name or {@code none}, and the outcome is one of six words, never a raw status
 * or path.
 */
public final class RequestMetrics implements Handler<RoutingContext> {

  private static final String ROUTE_CLASS = "tidegate.routeClass";
  private static final Set<String> OUTCOMES = Set.of("ok", "client_error", "rate_limited", "overloaded",
      "unavailable", "server_error");

  private final MeterRegistry registry;
  private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

  public RequestMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void handle(RoutingContext rc) {
    rc.addEndHandler(ar -> count(routeClass(rc), channel(rc), outcome(rc)));
    rc.next();
  }

  /** Called by the operation's route so that the end handler knows the class. */
  static void routeClass(RoutingContext rc, String routeClass) {
    rc.put(ROUTE_CLASS, routeClass);
  }

  private static String routeClass(RoutingContext rc) {
    String routeClass = rc.get(ROUTE_CLASS);
    return routeClass != null ? routeClass : "unrouted";
  }

  private static String channel(RoutingContext rc) {
    Object principal = rc.get(ApiKeyAuth.PRINCIPAL);
    return principal instanceof Channel channel ? channel.name() : "none";
  }

  static String outcome(RoutingContext rc) {
    int status = rc.response().getStatusCode();
    if (status == 429) {
      return "rate_limited";
    }
    if (status == 503) {
      return rc.failure() instanceof ApiFailure.Overloaded ? "overloaded" : "unavailable";
    }
    if (status >= 500) {
      return "server_error";
    }
    return status >= 400 ? "client_error" : "ok";
  }

  private void count(String routeClass, String channel, String outcome) {
    assert OUTCOMES.contains(outcome);
    counters.computeIfAbsent(routeClass + '\u0000' + channel + '\u0000' + outcome,
        k -> Counter.builder("gateway_requests_total")
            .description("Answered requests by route class, channel and outcome")
            .tag("route_class", routeClass).tag("channel", channel).tag("outcome", outcome)
            .register(registry))
        .increment();
  }
}
