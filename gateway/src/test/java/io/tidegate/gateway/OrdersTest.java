package io.tidegate.gateway;

import static io.tidegate.gateway.GatewayHttpTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidegate.dev.Eventually;
import io.tidegate.dev.Http;
import io.tidegate.dev.Http.Answer;
import io.tidegate.dev.TestStack;
import io.tidegate.dev.erp.ErpSimulator;
import io.tidegate.dev.erp.ErpSimulatorOptions;
import io.tidegate.dev.erp.KafkaStatusSink;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Orders end to end on the real broker and database, with the ERP simulator as the ERP: intake
 * with idempotency, the status store, posting with rejection, outage and dead-lettering, replay,
 * and soft reservations.
 */
class OrdersTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String KEY = "X-Api-Key";
  private static final String WEBSHOP = "dev-webshop-key";
  private static final String MARKETPLACE = "dev-marketplace-key";
  private static final String ADMIN = "dev-admin-key";
  private static Vertx erpVertx;
  private static KafkaStatusSink erpEvents;
  private static ErpSimulator erp;
  private static GatewayApp app;
  private static Http http;
  private static Http sim;

  @BeforeAll
  static void start() throws Exception {
    erpVertx = Vertx.vertx();
    erpEvents = KafkaStatusSink.create(erpVertx, TestStack.get().kafka().bootstrapServers());
    erp = ErpSimulator.start(erpVertx, ErpSimulatorOptions.defaults().withPort(0).withLatencyMs(5).withJitterMs(0)
        .withRatePerSecond(1000).withProgressionStepMs(300).withTimeoutHoldMs(5000), erpEvents).await();
    sim = new Http(erp.actualPort());
    Map<String, String> env = new HashMap<>();
    env.put("TIDEGATE_ERP_BASE_URL", "http://127.0.0.1:" + erp.actualPort());
    env.put("TIDEGATE_ERP_RATE_PER_SECOND", "500");
    env.put("TIDEGATE_ERP_MAX_ATTEMPTS", "3");
    env.put("TIDEGATE_ERP_BACKOFF_INITIAL_MS", "20");
    env.put("TIDEGATE_ERP_BACKOFF_MAX_MS", "100");
    env.put("TIDEGATE_ERP_BREAKER_FAILURES", "10");
    env.put("TIDEGATE_ERP_BREAKER_RESET_MS", "500");
    env.put("TIDEGATE_ERP_TIMEOUT_MS", "2000");
    env.put("TIDEGATE_ERP_POSTER_GROUP", "poster-" + UUID.randomUUID());
    env.put("TIDEGATE_ORDERS_STATUS_GROUP", "status-" + UUID.randomUUID());
    app = GatewayApp.start(TestStack.get().config(env)).await();
    http = new Http(app.port());
  }

  @AfterAll
  static void stop() {
    app.stop().await();
    erpVertx.close().await();
  }

  @Test
  void anAcceptedOrderIsDurableTrackedAndBookedByTheErp() throws Exception {
    String sku = stockedSku(100);
    String externalId = "WS-" + UUID.randomUUID();
    Answer a = order(WEBSHOP, UUID.randomUUID().toString(), body(externalId, "C-1001", sku, 5));
    assertEquals(202, a.status(), a.body());
    String orderId = a.json().getString("orderId");
    assertEquals("ACCEPTED", a.json().getString("status"));
    assertEquals("/v1/orders/" + orderId, a.header("Location"));
    assertEquals("/v1/orders/" + orderId, a.json().getString("statusUrl"));

    Answer first = http.get("/v1/orders/" + orderId, KEY, WEBSHOP);
    assertEquals(200, first.status(), "readable right after the 202: " + first.body());

    JsonObject booked = awaitStatus(orderId, "INVOICED");
    assertNotNull(booked.getString("erpOrderNumber"), booked.encode());
    JsonArray history = booked.getJsonArray("history");
    assertEquals("ACCEPTED", history.getJsonObject(0).getString("status"), history.encode());
    assertTrue(history.encode().contains("SUBMITTED") && history.encode().contains("BOOKED"), history.encode());
    assertEquals(sku, booked.getJsonArray("lines").getJsonObject(0).getString("sku"));

    Answer found = http.get("/v1/orders?externalId=" + externalId, KEY, WEBSHOP);
    assertEquals(200, found.status(), found.body());
    assertEquals(orderId, found.json().getJsonArray("orders").getJsonObject(0).getString("orderId"));

    assertProblem(http.get("/v1/orders/" + orderId, KEY, MARKETPLACE), 404, "NOT_FOUND");
    assertEquals(0, http.get("/v1/orders?externalId=" + externalId, KEY, MARKETPLACE).json()
        .getJsonArray("orders").size());
    assertEquals(1, sim.get("/orders/" + orderId).json().getInteger("posts"), "posted to the ERP exactly once");
  }

  @Test
  void theSameKeyReplaysTheSameOrderAndADifferentBodyIsRefused() throws Exception {
    String sku = stockedSku(100);
    String key = UUID.randomUUID().toString();
    JsonObject body = body(null, "C-1002", sku, 2);
    Answer a = order(WEBSHOP, key, body);
    assertEquals(202, a.status(), a.body());
    String reordered = "{\"lines\":" + body.getJsonArray("lines").encode() + ",\"shipTo\":"
        + body.getJsonObject("shipTo").encode() + ",  \"customerId\":\"C-1002\"}";
    Answer again = http.post("/v1/orders", "application/json", reordered, KEY, WEBSHOP, "Idempotency-Key", key);
    assertEquals(202, again.status(), again.body());
    assertEquals("true", again.header("Idempotent-Replayed"));
    assertEquals(a.json(), again.json());

    assertProblem(order(WEBSHOP, key, body(null, "C-1002", sku, 3)), 422, "IDEMPOTENCY_KEY_REUSED");
    Answer otherChannel = order(MARKETPLACE, key, body);
    assertEquals(202, otherChannel.status(), "keys are scoped per channel: " + otherChannel.body());
    assertTrue(!otherChannel.json().getString("orderId").equals(a.json().getString("orderId")));

    awaitStatus(a.json().getString("orderId"), "SUBMITTED");
    assertEquals(1, sim.get("/orders/" + a.json().getString("orderId")).json().getInteger("posts"));
  }

  @Test
  void badOrdersAreRefusedWithPointersAndNothingIsAccepted() throws Exception {
    String sku = stockedSku(10);
    String externalId = "BAD-" + UUID.randomUUID();
    Answer noKey = http.post("/v1/orders", "application/json", body(externalId, "C-1", sku, 1).encode(), KEY, WEBSHOP);
    assertProblem(noKey, 400, "VALIDATION_FAILED");
    assertEquals("header:Idempotency-Key", noKey.json().getJsonArray("errors").getJsonObject(0).getString("pointer"));

    Answer unknown = order(WEBSHOP, UUID.randomUUID().toString(), body(externalId, "C-1", "NO-SUCH-" + sku, 1));
    assertProblem(unknown, 400, "VALIDATION_FAILED");
    assertEquals("/lines/0/sku", unknown.json().getJsonArray("errors").getJsonObject(0).getString("pointer"));

    Answer zero = order(WEBSHOP, UUID.randomUUID().toString(), body(externalId, "C-1", sku, 0));
    assertProblem(zero, 400, "VALIDATION_FAILED");
    assertEquals("/lines/0/quantity", zero.json().getJsonArray("errors").getJsonObject(0).getString("pointer"));

    Answer tooMany = order(WEBSHOP, UUID.randomUUID().toString(), body(externalId, "C-1", sku, 11));
    assertProblem(tooMany, 422, "INSUFFICIENT_STOCK");
    assertEquals("/lines/0/quantity", tooMany.json().getJsonArray("errors").getJsonObject(0).getString("pointer"));

    Answer badQuote = order(WEBSHOP, UUID.randomUUID().toString(), body(externalId, "C-1", sku, 1)
        .put("lines", new JsonArray().add(new JsonObject().put("sku", sku).put("quantity", 1)
            .put("quoteId", UUID.randomUUID().toString()))));
    assertProblem(badQuote, 400, "VALIDATION_FAILED");
    assertEquals("/lines/0/quoteId", badQuote.json().getJsonArray("errors").getJsonObject(0).getString("pointer"));

    assertEquals(0, http.get("/v1/orders?externalId=" + externalId, KEY, WEBSHOP).json().getJsonArray("orders").size());
  }

  @Test
  void acceptedQuantitiesAreReservedUntilTheErpBooksThem() throws Exception {
    String sku = stockedSku(10);
    configureErp(new JsonObject().put("down", true));
    try {
      Answer a = order(WEBSHOP, UUID.randomUUID().toString(), body(null, "C-1003", sku, 7));
      assertEquals(202, a.status(), a.body());
      JsonObject atp = http.get("/v1/atp/" + sku, KEY, WEBSHOP).json();
      assertEquals(7, atp.getJsonObject("total").getInteger("reserved"), atp.encode());
      assertEquals(3, atp.getJsonObject("total").getInteger("available"), atp.encode());
      assertProblem(order(WEBSHOP, UUID.randomUUID().toString(), body(null, "C-1003", sku, 4)), 422,
          "INSUFFICIENT_STOCK");
      Answer backorder = order(MARKETPLACE, UUID.randomUUID().toString(), body(null, "C-1003", sku, 4));
      assertEquals(202, backorder.status(), "the marketplace's policy is backorder: " + backorder.body());
      assertEquals(10, http.get("/v1/atp/" + sku, KEY, WEBSHOP).json().getJsonObject("total").getInteger("reserved"),
          "only the promised 3 of the backorder are held");
      Eventually.await(DEADLINE, "ERP breaker open in readiness",
          () -> http.get("/health/ready").body(), body -> body.contains("\"breaker\":\"open\""));
    } finally {
      configureErp(new JsonObject().put("down", false));
    }
    Eventually.await(DEADLINE, "reservations released once the ERP books the orders",
        () -> http.get("/v1/atp/" + sku, KEY, WEBSHOP).json().getJsonObject("total").getInteger("reserved"),
        reserved -> reserved == 0);
  }

  @Test
  void anErpRefusalRejectsTheOrderWithTheErpsReason() throws Exception {
    Answer a = order(WEBSHOP, UUID.randomUUID().toString(), body(null, "BLOCKED-7", stockedSku(5), 1));
    assertEquals(202, a.status(), a.body());
    JsonObject rejected = awaitStatus(a.json().getString("orderId"), "REJECTED");
    assertTrue(rejected.getJsonArray("history").encode().contains("blocked in the ERP"), rejected.encode());
  }

  @Test
  void anOrderTheErpKeepsFailingIsDeadLetteredAndCanBeReplayed() throws Exception {
    configureErp(new JsonObject().put("failureRate", 1.0));
    String orderId;
    try {
      Answer a = order(WEBSHOP, UUID.randomUUID().toString(), body(null, "C-1004", stockedSku(5), 1));
      assertEquals(202, a.status(), a.body());
      orderId = a.json().getString("orderId");
      awaitStatus(orderId, "FAILED");
      String id = orderId;
      Eventually.await(DEADLINE, "dead letter listed", () -> http.get("/admin/dlq/orders?channel=webshop",
          "X-Admin-Key", ADMIN).json().getJsonArray("deadLetters").encode(), list -> list.contains(id));
    } finally {
      configureErp(new JsonObject().put("failureRate", 0.0));
    }
    assertProblem(http.post("/admin/dlq/orders/" + orderId + "/replay", null, "", KEY, WEBSHOP), 401, "UNAUTHORIZED");
    try (io.tidegate.dev.LogCapture audit = io.tidegate.dev.LogCapture.of("tidegate.audit")) {
      Answer replay = http.post("/admin/dlq/orders/" + orderId + "/replay", null, "", "X-Admin-Key", ADMIN,
          "X-Correlation-Id", "replay-" + orderId);
      assertEquals(202, replay.status(), replay.body());
      assertEquals(1, replay.json().getInteger("replayed"));
      String entry = audit.all();
      assertTrue(entry.contains("\"action\":\"dlq.replay\"") && entry.contains("\"target\":\"order/" + orderId + "\"")
          && entry.contains("\"outcome\":\"applied\"") && entry.contains("\"who\":\"admin-key:df76ff79\"")
          && entry.contains("\"correlationId\":\"replay-" + orderId + "\""), entry);
    }
    awaitStatus(orderId, "SUBMITTED");
    assertProblem(http.post("/admin/dlq/orders/" + orderId + "/replay", null, "", "X-Admin-Key", ADMIN), 404,
        "NOT_FOUND");
    assertNull(null);
  }

  // ---- helpers ----

  private static JsonObject awaitStatus(String orderId, String status) {
    return Eventually.await(DEADLINE, "order " + orderId + " reaches " + status,
        () -> http.get("/v1/orders/" + orderId, KEY, WEBSHOP),
        a -> a.status() == 200 && (a.json().getString("status").equals(status)
            || a.json().getJsonArray("history").encode().contains("\"" + status + "\""))).json();
  }

  private static void configureErp(JsonObject patch) {
    Answer a = sim.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + erp.actualPort() + "/sim/config"))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(patch.encode())));
    assertEquals(200, a.status(), a.body());
  }

  private static Answer order(String apiKey, String idempotencyKey, JsonObject body) {
    return http.post("/v1/orders", "application/json", body.encode(), KEY, apiKey, "Idempotency-Key", idempotencyKey);
  }

  static JsonObject body(String externalId, String customerId, String sku, int quantity) {
    JsonObject body = new JsonObject().put("customerId", customerId)
        .put("shipTo", new JsonObject().put("name", "Ada Lovelace").put("line1", "12 Harbour Road")
            .put("city", "Rotterdam").put("postalCode", "3011 AA").put("country", "NL"))
        .put("lines", new JsonArray().add(new JsonObject().put("sku", sku).put("quantity", quantity)));
    return externalId == null ? body : body.put("externalId", externalId);
  }

  /** A new SKU with {@code onHand} units at DC1, visible to the gateway. */
  static String stockedSku(int onHand) throws Exception {
    String sku = "ORD-" + UUID.randomUUID().toString().substring(0, 8);
    InventoryFeedTest.publish(InventoryFeedTest.position(sku, "DC1", 1, onHand, 0, 0, 0));
    Eventually.await(DEADLINE, sku + " known", () -> http.get("/v1/atp/" + sku, KEY, WEBSHOP).status(), s -> s == 200);
    return sku;
  }
}
