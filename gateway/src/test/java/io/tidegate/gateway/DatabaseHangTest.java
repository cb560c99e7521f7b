package io.tidegate.gateway;

import static io.tidegate.gateway.GatewayHttpTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidegate.dev.Eventually;
import io.tidegate.dev.Http;
import io.tidegate.dev.Http.Answer;
import io.tidegate.dev.TestStack;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL that stops answering (frozen, or cut off by the network: connections stay open and
 * nothing comes back) must not make requests hang: what needs the database is answered 503 with
 * Retry-After after {@code postgres.requestTimeoutMs}, then at once while the {@code postgres}
 * breaker is open, ATP reads go on, and everything recovers by itself once the database answers
 * again. The gateway reaches the database through a proxy that can freeze its connections.
 */
class DatabaseHangTest {

  private static final String KEY = "X-Api-Key";
  private static final String WEBSHOP = "dev-webshop-key";

  private final Vertx vertx = Vertx.vertx();
  private final FreezingProxy proxy = new FreezingProxy();
  private GatewayApp app;

  @AfterEach
  void stop() {
    proxy.thaw();
    if (app != null) {
      app.stop().await();
    }
    vertx.close().await();
  }

  @Test
  void aDatabaseThatStopsAnsweringGets503FastAndTheGatewayRecoversByItself() throws Exception {
    int port = proxy.start(TestStack.get().postgres().port());
    app = GatewayApp.start(TestStack.get().config(Map.of("TIDEGATE_POSTGRES_PORT", Integer.toString(port),
        "TIDEGATE_POSTGRES_REQUEST_TIMEOUT_MS", "500"))).await();
    Http http = new Http(app.port());
    String sku = "HANG-" + UUID.randomUUID().toString().substring(0, 8);
    InventoryFeedTest.publish(InventoryFeedTest.position(sku, "DC1", 1, 100, 0, 0, 0));
    Eventually.await(Duration.ofSeconds(20), sku + " known", () -> http.get("/v1/atp/" + sku, KEY, WEBSHOP).status(),
        s -> s == 200);
    assertEquals(201, quote(http, sku).status(), "a quote is stored while the database answers");

    proxy.freeze();
    // Each of these waited for the client's 15 s time-out before the guard (the connection's idle
    // time-out closed it after 30 s with no answer at all).
    Answer timedOut = quote(http, sku);
    assertProblem(timedOut, 503, "DEPENDENCY_UNAVAILABLE");
    assertTrue(Long.parseLong(timedOut.header("Retry-After")) >= 1, timedOut.header("Retry-After"));
    assertProblem(order(http, sku), 503, "DEPENDENCY_UNAVAILABLE");
    assertProblem(http.get("/v1/orders?externalId=HANG-1", KEY, WEBSHOP), 503, "DEPENDENCY_UNAVAILABLE");
    assertEquals(200, http.get("/v1/atp/" + sku, KEY, WEBSHOP).status(), "ATP reads need no database");
    assertEquals("1.0", breakerOpen(http), "three time-outs open the postgres breaker");
    long start = System.nanoTime();
    assertProblem(quote(http, sku), 503, "DEPENDENCY_UNAVAILABLE");
    assertTrue(System.nanoTime() - start < Duration.ofMillis(400).toNanos(),
        "the open breaker answers without waiting for the 500 ms deadline");
    // Reported, not deciding: the database is down for every instance alike, and ATP is served.
    Answer ready = Eventually.await(Duration.ofSeconds(10), "readiness reports the database down",
        () -> http.get("/health/ready"), r -> r.body().contains("{\"id\":\"postgres\",\"status\":\"DOWN\""));
    assertEquals(200, ready.status(), ready.body());
    assertEquals("postgres", ready.json().getJsonArray("degraded").getString(0), ready.body());

    proxy.thaw();
    Eventually.await(Duration.ofSeconds(20), "quotes again once the database answers", () -> quote(http, sku).status(),
        s -> s == 201);
    assertEquals(202, order(http, sku).status());
    assertEquals("0.0", breakerOpen(http));
  }

  private static Answer quote(Http http, String sku) {
    return http.post("/v1/prices:quote", "application/json", new JsonObject().put("currency", "EUR")
        .put("lines", new JsonArray().add(new JsonObject().put("sku", sku).put("quantity", 1))).encode(), KEY, WEBSHOP);
  }

  private static Answer order(Http http, String sku) {
    return http.post("/v1/orders", "application/json", OrdersTest.body(null, "C-HANG", sku, 1).encode(), KEY, WEBSHOP,
        "Idempotency-Key", UUID.randomUUID().toString());
  }

  private static String breakerOpen(Http http) {
    String metrics = http.get("/metrics").body();
    return metrics.lines().filter(l -> l.startsWith("gateway_circuit_breaker_open{") && l.contains("name=\"postgres\""))
        .map(l -> l.substring(l.lastIndexOf(' ') + 1)).findFirst().orElse("absent");
  }

  /** A TCP proxy to the database whose connections can be frozen: bytes stop flowing both ways. */
  private final class FreezingProxy {
    private final List<NetSocket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean frozen;

    int start(int target) {
      NetServer server = vertx.createNetServer().connectHandler(client -> {
        client.pause();
        vertx.createNetClient().connect(target, "127.0.0.1").onSuccess(db -> {
          relay(client, db);
          relay(db, client);
          sockets.add(client);
          sockets.add(db);
          if (!frozen) {
            client.resume();
          } else {
            db.pause();
          }
        }).onFailure(e -> client.close());
      });
      return server.listen(0, "127.0.0.1").await().actualPort();
    }

    private void relay(NetSocket from, NetSocket to) {
      from.handler(to::write);
      from.closeHandler(v -> to.close());
    }

    void freeze() {
      frozen = true;
      sockets.forEach(NetSocket::pause);
    }

    void thaw() {
      frozen = false;
      sockets.forEach(NetSocket::resume);
    }
  }
}
