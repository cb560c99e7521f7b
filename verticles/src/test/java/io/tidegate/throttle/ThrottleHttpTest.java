package io.tidegate.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidegate.http.ApiKeyAuth;
import io.tidegate.http.ApiKeys;
import io.tidegate.http.Channel;
import io.tidegate.http.CorrelationId;
import io.tidegate.http.ErrorHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Through a real HTTP server: a flooding channel gets 429 with Retry-After and the RateLimit fields
 * while another channel is unaffected; the per-channel and per-route-class in-flight caps answer
 * 429 and 503 at once.
 */
class ThrottleHttpTest {

  private static final String WEBSHOP_KEY = "test-webshop-key";
  private static final String MARKETPLACE_KEY = "test-marketplace-key";

  private final Vertx vertx = Vertx.vertx();
  private final Fixtures.ManualClock clock = new Fixtures.ManualClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicReference<Promise<RoutingContext>> held = new AtomicReference<>();
  private Throttles throttles;
  private HttpClient client;
  private HttpServer server;
  private io.vertx.core.Context serverLoop;

  /** The file of {@link Fixtures}, with the atp route class capped at {@code atpLimit} in flight. */
  private void start(int atpLimit) {
    start(atpLimit, 0);
  }

  /** ... and shedding atp requests when their event loop runs more than {@code maxDelayMs} late. */
  private void start(int atpLimit, int maxDelayMs) {
    String file = Fixtures.file("atp:    { minLimit: 1, maxLimit: 1000, initialLimit: 200, adaptive: true }",
        "atp:    { minLimit: 1, maxLimit: " + atpLimit + ", initialLimit: 1, adaptive: false, maxDelayMs: "
            + maxDelayMs + " }");
    throttles = new Throttles(ThrottleFile.parse(file, Fixtures.CHANNELS), Fixtures.CHANNELS, registry, clock::nanoTime);
    ApiKeys<Channel> keys = new ApiKeys<>(Map.of(ApiKeys.hash(WEBSHOP_KEY), Fixtures.WEBSHOP,
        ApiKeys.hash(MARKETPLACE_KEY), Fixtures.MARKETPLACE));
    Router router = Router.router(vertx);
    router.route().handler(new CorrelationId());
    router.route().handler(new ApiKeyAuth<>("X-Api-Key", keys));
    router.get("/v1/atp/:sku")
        .handler(throttles.throttle("atp"))
        .handler(throttles.shedder("atp"))
        .handler(this::answer);
    router.route().failureHandler(new ErrorHandler(1024));
    // On one event loop context, as an HTTP verticle runs: the delay probe watches that loop.
    serverLoop = vertx.getOrCreateContext();
    Promise<HttpServer> listening = Promise.promise();
    serverLoop.runOnContext(v -> {
      throttles.loopDelay().probeThisLoop(vertx);
      vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").onComplete(listening);
    });
    server = listening.future().await();
    // The JDK client, not Vert.x's: Vert.x's HttpClient driven from the test thread (no context)
    // left a request unanswered now and then (about one run in three here), before and after any
    // change to the code under test; the server side is what this test is about.
    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** Answers 200 at once, or holds the request (for in-flight tests) when the SKU is "hold". */
  private void answer(RoutingContext rc) {
    if (rc.pathParam("sku").equals("hold")) {
      held.get().complete(rc);
      return;
    }
    rc.response().end("{}");
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private record Answer(int status, Map<String, String> headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private Future<Answer> get(String key, String sku) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/v1/atp/" + sku))
        .header("X-Api-Key", key).timeout(Duration.ofSeconds(20)).GET().build();
    return Future.fromCompletionStage(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
        .map(ThrottleHttpTest::answer);
  }

  private static Answer answer(HttpResponse<String> resp) {
    Map<String, String> headers = new java.util.HashMap<>();
    resp.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(), values.get(0)));
    return new Answer(resp.statusCode(), headers, resp.body());
  }

  private Future<RoutingContext> hold(String key, AtomicReference<Future<Answer>> response) {
    Promise<RoutingContext> arrived = Promise.promise();
    held.set(arrived);
    response.set(get(key, "hold"));
    return arrived.future();
  }

  @Test
  void aFloodingChannelGets429WhileAnotherChannelIsServed() {
    start(1000);
    for (int left = 2; left >= 0; left--) {
      Answer ok = get(MARKETPLACE_KEY, "SKU-1").await();
      assertEquals(200, ok.status());
      assertEquals("\"atp\";q=3;w=60", ok.headers().get("ratelimit-policy"));
      // t: until the bucket is full while tokens are left; with none left, until the next one
      assertEquals("\"atp\";r=" + left + ";t=" + (left == 0 ? 20 : 60 - 20 * left), ok.headers().get("ratelimit"));
    }
    Answer refused = get(MARKETPLACE_KEY, "SKU-1").await();
    assertEquals(429, refused.status());
    assertEquals("20", refused.headers().get("retry-after"), "one token per 20 s");
    assertEquals("\"atp\";q=3;w=60", refused.headers().get("ratelimit-policy"));
    assertEquals("\"atp\";r=0;t=20", refused.headers().get("ratelimit"), "Retry-After is never earlier than t");
    assertEquals(ErrorHandler.PROBLEM_JSON, refused.headers().get("content-type"));
    assertEquals("RATE_LIMITED", refused.json().getString("code"));
    assertEquals(new JsonArray().add("atp"), refused.json().getJsonArray("violated-policies"));

    for (int i = 0; i < 20; i++) {
      Answer other = get(WEBSHOP_KEY, "SKU-1").await();
      assertEquals(200, other.status(), "the webshop keeps its own budget");
      assertEquals("\"atp\";q=500;w=1", other.headers().get("ratelimit-policy"));
    }

    clock.advanceMillis(19_999);
    assertEquals(429, get(MARKETPLACE_KEY, "SKU-1").await().status(), "not a moment before Retry-After");
    clock.advanceMillis(1);
    assertEquals(200, get(MARKETPLACE_KEY, "SKU-1").await().status());
    assertEquals(2.0, registry.get("gateway_throttle_rejections_total").tag("channel", "marketplace")
        .tag("policy", "atp").counter().count());
  }

  @Test
  void aChannelOverItsConcurrencyCapGets429AndTheSlotComesBack() {
    start(1000);
    throttles.replaceChannelPolicies("marketplace", new JsonArray()
        .add(new JsonObject().put("name", "atp").put("quota", 100).put("windowSeconds", 1)));
    AtomicReference<Future<Answer>> first = new AtomicReference<>();
    AtomicReference<Future<Answer>> second = new AtomicReference<>();
    RoutingContext one = hold(MARKETPLACE_KEY, first).await();
    RoutingContext two = hold(MARKETPLACE_KEY, second).await();

    Answer refused = get(MARKETPLACE_KEY, "SKU-1").await();
    assertEquals(429, refused.status(), "maxConcurrent is 2");
    assertEquals("1", refused.headers().get("retry-after"));
    assertEquals(new JsonArray().add("concurrency"), refused.json().getJsonArray("violated-policies"));
    assertTrue(refused.headers().get("ratelimit").startsWith("\"atp\";r="), "RateLimit fields on the 429 too");

    one.response().end("{}");
    assertEquals(200, first.get().await().status());
    assertEquals(200, get(MARKETPLACE_KEY, "SKU-1").await().status(), "the slot came back when the response ended");
    two.fail(new IllegalStateException("boom"));
    assertEquals(500, second.get().await().status());
    assertEquals(200, get(MARKETPLACE_KEY, "SKU-1").await().status(), "a failed request frees its slot too");
  }

  @Test
  void aRouteClassAtItsInFlightLimitSheds503AtOnceButCriticalChannelsUseTheHeadroom() {
    start(2);
    AtomicReference<Future<Answer>> first = new AtomicReference<>();
    RoutingContext one = hold(MARKETPLACE_KEY, first).await();

    Answer shed = get(MARKETPLACE_KEY, "SKU-1").await();
    assertEquals(503, shed.status(), "ordinary requests may use 1 of 2 slots");
    assertEquals("OVERLOADED", shed.json().getString("code"));
    assertEquals("1", shed.headers().get("retry-after"));
    assertTrue(shed.headers().containsKey("ratelimit"), "RateLimit fields on the 503 too");
    assertNull(shed.json().getValue("violated-policies"));

    AtomicReference<Future<Answer>> second = new AtomicReference<>();
    RoutingContext two = hold(WEBSHOP_KEY, second).await();
    assertEquals(503, get(WEBSHOP_KEY, "SKU-1").await().status(), "nobody gets beyond the limit");
    assertEquals(2, throttles.shedder("atp").inFlight());

    one.response().end("{}");
    two.response().end("{}");
    assertEquals(200, first.get().await().status());
    assertEquals(200, second.get().await().status());
    assertEquals(200, get(MARKETPLACE_KEY, "SKU-1").await().status());
    assertEquals(2.0, registry.get("gateway_shed_total").tag("route_class", "atp").counter().count());
  }

  @Test
  void requestsAreShedWhileTheirEventLoopStaysBehindAndServedAgainWhenItCatchesUp() {
    start(1000, 50);
    assertEquals(200, get(WEBSHOP_KEY, "SKU-1").await().status());
    java.util.concurrent.atomic.AtomicBoolean busy = new java.util.concurrent.atomic.AtomicBoolean(true);
    // Work that keeps the server's loop 250 ms behind, task after task, as a flood of requests would.
    serverLoop.runOnContext(v -> keepBusy(busy));
    poll("the probe to see the loop run late",
        () -> Future.succeededFuture(registry.get("gateway_event_loop_delay_seconds").gauge().value()),
        delay -> delay >= 0.05);

    // the webshop is critical, so it is shed only beyond twice the bound (100 ms)
    Answer shed = get(WEBSHOP_KEY, "SKU-1").await();
    assertEquals(503, shed.status(), shed.body());
    assertEquals("OVERLOADED", shed.json().getString("code"));
    assertEquals("1", shed.headers().get("retry-after"));

    busy.set(false);
    Answer served = poll("an answer other than 503 once the loop caught up", () -> get(WEBSHOP_KEY, "SKU-1"),
        answer -> answer.status() != 503);
    assertEquals(200, served.status(), "served again once the loop runs on time");
    assertTrue(registry.get("gateway_shed_total").tag("route_class", "atp").counter().count() >= 1);
  }

  /** Tries {@code attempt} every 20 ms on a Vert.x timer until {@code done} holds; fails after 20 s. */
  private <T> T poll(String what, java.util.function.Supplier<Future<T>> attempt, java.util.function.Predicate<T> done) {
    Promise<T> result = Promise.promise();
    pollStep(what, attempt, done, System.nanoTime() + Duration.ofSeconds(20).toNanos(), result);
    return result.future().await();
  }

  private <T> void pollStep(String what, java.util.function.Supplier<Future<T>> attempt,
                            java.util.function.Predicate<T> done, long deadline, Promise<T> result) {
    attempt.get().onComplete(ar -> {
      if (ar.succeeded() && done.test(ar.result())) {
        result.complete(ar.result());
      } else if (System.nanoTime() > deadline) {
        result.fail(new AssertionError("waited 20 s for " + what + (ar.failed() ? ": " + ar.cause() : "")));
      } else {
        vertx.setTimer(20, id -> pollStep(what, attempt, done, deadline, result));
      }
    });
  }

  private void keepBusy(java.util.concurrent.atomic.AtomicBoolean busy) {
    if (!busy.get()) {
      return;
    }
    long until = System.nanoTime() + Duration.ofMillis(250).toNanos();
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    vertx.setTimer(1, id -> keepBusy(busy));
  }
}
