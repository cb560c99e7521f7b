package io.tidegate.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Pattern;

/**
 * The first handler of every router; it measures each answered request twice:
 * <ul>
 *   <li>{@code gateway_requests_total{route_class, channel, outcome}}: the route class comes from the
 *       OpenAPI operation ({@code atp}, {@code pricing}, {@code orders}, {@code status}, or
 *       {@code admin}, {@code ops}, {@code unrouted}), the channel is a configured channel name or
 *       {@code none}, and the outcome is one of six words, never a raw status or path;</li>
 *   <li>the HTTP server meters under Vert.x's names, so dashboards and alerts read the same series:
 *       {@code vertx_http_server_requests_total} and {@code vertx_http_server_response_time_seconds}
 *       by {@code route} (the OpenAPI path template, empty when no route matched), {@code method}
 *       and {@code code}, and {@code vertx_http_server_active_requests}.</li>
 * </ul>
 * A request refused before its route ran (a 401 from authentication, a 400 for an undecodable
 * query string) is counted under the operation whose path template and method it matches, so that
 * an operator sees which route gets them; a 405 under the path template it matches with the method
 * it used (an unnamed method as {@code other}); only what matches no path (a 404) goes under
 * {@code route=""}.
 * Vert.x's own HTTP server metrics are switched off in favour of these: they build tags and look
 * every meter up in the registry on each request (7 % of the CPU of {@code GET /v1/atp/{sku}} in a
 * profile), while here each operation keeps its meters, found by an array index or one map lookup.
 * Time runs from this handler (the router's first) to the end of the response. One instance serves
 * all the routers of an application, so that the active-requests gauge counts all of them.
 */
public final class RequestMetrics implements Handler<RoutingContext> {

  private static final String OPERATION = "tidegate.operation";
  private static final String REQUESTS = "vertx.http.server.requests";
  private static final String RESPONSE_TIME = "vertx.http.server.response.time";
  private static final Set<HttpMethod> NAMED_METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST,
      HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS, HttpMethod.TRACE, HttpMethod.CONNECT);

  /** The outcome words of {@code gateway_requests_total}, in the order of a channel's counter array. */
  enum Outcome {
    OK("ok"), CLIENT_ERROR("client_error"), RATE_LIMITED("rate_limited"), OVERLOADED("overloaded"),
    UNAVAILABLE("unavailable"), SERVER_ERROR("server_error");

    final String label;

    Outcome(String label) {
      this.label = label;
    }
  }

  private final MeterRegistry registry;
  private final AtomicLong active;
  private final ConcurrentMap<String, Operation> unrouted = new ConcurrentHashMap<>();
  /** Every operation made so far by "METHOD template", with the pattern of its paths. */
  private final ConcurrentMap<String, Matchable> operations = new ConcurrentHashMap<>();

  private record Matchable(HttpMethod method, Pattern path, Operation operation) {
  }

  public RequestMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.active = registry.gauge("vertx.http.server.active.requests", new AtomicLong());
  }

  /** The meters of one routed operation; made once when its route is registered. */
  public Operation operation(String routeTemplate, HttpMethod method, String routeClass) {
    return operations.computeIfAbsent(method.name() + " " + routeTemplate, k -> new Matchable(method,
        Pattern.compile(OpenApiRoutes.toRegex(routeTemplate)),
        new Operation(routeTemplate, method.name(), routeClass))).operation();
  }

  @Override
  public void handle(RoutingContext rc) {
    long start = System.nanoTime();
    active.incrementAndGet();
    rc.addEndHandler(ar -> {
      active.decrementAndGet();
      Operation operation = rc.get(OPERATION);
      if (operation == null) {
        operation = matching(rc);
      }
      operation.record(rc, System.nanoTime() - start);
    });
    rc.next();
  }

  /** Called by the operation's route, so that the end handler records under it. */
  static void routed(RoutingContext rc, Operation operation) {
    rc.put(OPERATION, operation);
  }

  /**
   * The operation whose method and path template the request matches (HEAD as GET); else, for a
   * path some operation serves with another method, that template with this method; else unrouted.
   */
  private Operation matching(RoutingContext rc) {
    HttpMethod method = rc.request().method() == HttpMethod.HEAD ? HttpMethod.GET : rc.request().method();
    String path = rc.normalizedPath();
    Operation samePath = null;
    for (Matchable m : operations.values()) {
      if (m.path().matcher(path).matches()) {
        if (m.method().equals(method)) {
          return m.operation();
        }
        samePath = m.operation();
      }
    }
    String name = NAMED_METHODS.contains(rc.request().method()) ? rc.request().method().name() : "other";
    Operation of = samePath;
    return of == null ? unrouted.computeIfAbsent(name, m -> new Operation("", m, "unrouted"))
        : unrouted.computeIfAbsent(name + " " + of.route, k -> new Operation(of.route, name, of.routeClass));
  }

  static Outcome outcome(RoutingContext rc) {
    int status = rc.response().getStatusCode();
    if (status == 429) {
      return Outcome.RATE_LIMITED;
    }
    if (status == 503) {
      return rc.failure() instanceof ApiFailure.Overloaded ? Outcome.OVERLOADED : Outcome.UNAVAILABLE;
    }
    if (status >= 500) {
      return Outcome.SERVER_ERROR;
    }
    return status >= 400 ? Outcome.CLIENT_ERROR : Outcome.OK;
  }

  /**
   * One route and method: its timers and counters by status code, made on first use (a race makes
   * the same meter twice, and the registry hands both callers the one it holds), and its
   * {@code gateway_requests_total} counters by channel and outcome.
   */
  public final class Operation {
    private final String route;
    private final String method;
    private final String routeClass;
    private final AtomicReferenceArray<Timer> timeByStatus = new AtomicReferenceArray<>(600);
    private final AtomicReferenceArray<Counter> countByStatus = new AtomicReferenceArray<>(600);
    private final ConcurrentMap<String, AtomicReferenceArray<Counter>> byChannel = new ConcurrentHashMap<>();

    private Operation(String route, String method, String routeClass) {
      this.route = route;
      this.method = method;
      this.routeClass = routeClass;
    }

    private void record(RoutingContext rc, long nanos) {
      int status = rc.response().getStatusCode();
      int slot = status >= 100 && status < 600 ? status : 0;
      Timer timer = timeByStatus.get(slot);
      Counter count = countByStatus.get(slot);
      if (timer == null || count == null) {
        String code = Integer.toString(status);
        timer = Timer.builder(RESPONSE_TIME).description("Time from a request's arrival to the end of its response")
            .tag("route", route).tag("method", method).tag("code", code).register(registry);
        count = Counter.builder(REQUESTS).description("Answered requests by route template, method and status")
            .tag("route", route).tag("method", method).tag("code", code).register(registry);
        timeByStatus.set(slot, timer);
        countByStatus.set(slot, count);
      }
      timer.record(nanos, TimeUnit.NANOSECONDS);
      count.increment();
      Object principal = rc.get(ApiKeyAuth.PRINCIPAL);
      String channel = principal instanceof Channel c ? c.name() : "none";
      Outcome outcome = outcome(rc);
      AtomicReferenceArray<Counter> counters = byChannel.computeIfAbsent(channel,
          k -> new AtomicReferenceArray<>(Outcome.values().length));
      Counter requests = counters.get(outcome.ordinal());
      if (requests == null) {
        requests = Counter.builder("gateway_requests_total")
            .description("Answered requests by route class, channel and outcome")
            .tag("route_class", routeClass).tag("channel", channel).tag("outcome", outcome.label)
            .register(registry);
        counters.set(outcome.ordinal(), requests);
      }
      requests.increment();
    }
  }
}
