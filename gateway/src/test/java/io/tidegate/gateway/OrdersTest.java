package io.tidegate.gateway;

import static io.tidegate.gateway.GatewayHttpTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidegate.dev.Eventually;
import io.tidegate.dev.Http;
import io.tidegate.dev.Http.Answer;
import io.tidegate.dev.LogCapture;
import io.tidegate.dev.TestStack;
import io.tidegate.dev.erp.ErpSimulator;
import io.tidegate.dev.erp.ErpSimulatorOptions;
import io.tidegate.dev.erp.KafkaStatusSink;
import io.tidegate.schemas.Topics;
import io.tidegate.schemas.events.ErpOrderStatusChanged;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
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
  /** Every status event the simulator published: order id and schemaVersion. */
  private static final java.util.Queue<Map.Entry<String, Integer>> erpVersions =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private static ErpSimulator erp;
  private static GatewayApp app;
  private static Http http;
  private static Http sim;

  @BeforeAll
  static void start() throws Exception {
    erpVertx = Vertx.vertx();
    erpEvents = KafkaStatusSink.create(erpVertx, TestStack.get().kafka().bootstrapServers());
    erp = ErpSimulator.start(erpVertx, ErpSimulatorOptions.defaults().withPort(0).withLatencyMs(5).withJitterMs(0)
        .withRatePerSecond(1000).withProgressionStepMs(300).withTimeoutHoldMs(5000), (orderId, correlationId, event) -> {
          erpVersions.add(Map.entry(orderId, new JsonObject(event).getInteger("schemaVersion")));
          return erpEvents.publish(orderId, correlationId, event);
        }).await();
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
    env.put("TIDEGATE_ORDERS_STUCK_UNSUBMITTED_MINUTES", "60");
    app = GatewayApp.start(TestStack.get().config(env)).await();
    http = new Http(app.port());
    RunningGateway.awaitReady(http);
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
  void ordersAcceptedTogetherAreEachTrackedAtOnceAndReplayTheirOwnAnswer() throws Exception {
    String sku = stockedSku(200);
    int n = 40;
    ExecutorService clients = Executors.newFixedThreadPool(20);
    try (LogCapture log = LogCapture.of("io.tidegate.orders")) {
      List<Future<String>> sent = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int line = i;
        sent.add(clients.submit(() -> {
          String key = "together-" + line + "-" + UUID.randomUUID();
          JsonObject body = body("together-" + line, "C-1003", sku, 1);
          Answer a = order(WEBSHOP, key, body);
          assertEquals(202, a.status(), a.body());
          Answer tracked = http.get(a.json().getString("statusUrl"), KEY, WEBSHOP);
          assertEquals(200, tracked.status(), "the statusUrl answers as soon as the 202 came: " + tracked.body());
          assertEquals("together-" + line, tracked.json().getString("externalId"));
          Answer again = order(WEBSHOP, key, body);
          assertEquals(202, again.status(), "the key is completed with its own answer: " + again.body());
          assertEquals("true", again.header("Idempotent-Replayed"));
          assertEquals(a.json(), again.json());
          return a.json().getString("orderId");
        }));
      }
      Set<String> ids = new HashSet<>();
      for (Future<String> f : sent) {
        ids.add(f.get(60, TimeUnit.SECONDS));
      }
      assertEquals(n, ids.size(), "one order per request");
      assertTrue(log.lines().stream().noneMatch(l -> l.contains("not recorded")), String.join("\n", log.lines()));
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void theSameKeySentManyTimesAtOnceMakesOneOrderAndEveryOtherAnswerIsItsReplayOrInUse() throws Exception {
    String sku = stockedSku(100);
    ExecutorService clients = Executors.newFixedThreadPool(32);
    try {
      for (int round = 0; round < 5; round++) {
        String key = "twice-" + round + "-" + UUID.randomUUID();
        JsonObject body = body("twice-" + round, "C-1005", sku, 1);
        List<Future<Answer>> sent = new ArrayList<>();
        List<Future<Answer>> others = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          // Orders of other keys in between, so that copies of the key also meet in one batch of claims.
          String other = "other-" + UUID.randomUUID();
          others.add(clients.submit(() -> order(WEBSHOP, other, body(other, "C-1005", sku, 1))));
          sent.add(clients.submit(() -> order(WEBSHOP, key, body)));
        }
        for (Future<Answer> f : others) {
          assertEquals(202, f.get(60, TimeUnit.SECONDS).status());
        }
        List<Answer> originals = new ArrayList<>();
        for (Future<Answer> f : sent) {
          Answer a = f.get(60, TimeUnit.SECONDS);
          if (a.status() == 202 && a.header("Idempotent-Replayed") == null) {
            originals.add(a);
          } else if (a.status() != 202) {
            assertProblem(a, 409, "IDEMPOTENCY_KEY_IN_USE");
          }
        }
        assertEquals(1, originals.size(), "one request of the 16 made the order, round " + round);
        String orderId = originals.get(0).json().getString("orderId");
        for (Future<Answer> f : sent) {
          if (f.get().status() == 202) {
            assertEquals(orderId, f.get().json().getString("orderId"), "a replay names the same order");
          }
        }
        assertEquals(1, InventoryFeedTest.readAll(Topics.ORDERS_ACCEPTED, orderId).size(), "on the topic once");
      }
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void aStatusRecordedBeforeItsOrderAndACopyOfTheOrderLeaveOneOrderWithThatStatus() throws Exception {
    String orderId = "late-" + UUID.randomUUID();
    io.tidegate.schemas.events.OrderStatusChanged submitted = new io.tidegate.schemas.events.OrderStatusChanged(
        orderId, "webshop", io.tidegate.schemas.events.OrderStatus.SUBMITTED,
        io.tidegate.schemas.events.OrderStatus.ACCEPTED, null, null, Instant.now());
    byte[] value = new io.tidegate.schemas.events.EventCodec().encode(io.tidegate.schemas.events.EventEnvelope.of(
        io.tidegate.schemas.events.EventType.ORDER_STATUS_CHANGED, "corr-" + orderId, "tidegate-gateway", submitted));
    TestStack.get().producer().send(new ProducerRecord<>(Topics.ORDERS_STATUS, orderId, value)).get();
    Pool db = TestStack.get().pool(erpVertx);
    try {
      // In the store before the order is: the order's own write must then move it to SUBMITTED.
      Eventually.await(DEADLINE, "SUBMITTED recorded without its order",
          () -> db.preparedQuery("SELECT count(*) FROM order_status_history WHERE order_id = $1")
              .execute(Tuple.of(orderId)).await().iterator().next().getLong(0),
          count -> count == 1);
    } finally {
      db.close().await();
    }
    Instant acceptedAt = Instant.now().minusSeconds(1);
    publishAccepted(orderId, acceptedAt);
    publishAccepted(orderId, acceptedAt); // a copy, as a retry after a lost ack sends it

    JsonObject order = awaitStatus(orderId, "SUBMITTED");
    assertEquals("SUBMITTED", order.getString("status"), order.encode());
    List<String> history = order.getJsonArray("history").stream().map(e -> ((JsonObject) e).getString("status"))
        .toList();
    assertEquals(List.of("ACCEPTED", "SUBMITTED"), history, order.encode());
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

    Answer negative = order(WEBSHOP, UUID.randomUUID().toString(), body(externalId, "C-1", sku, 1)
        .put("lines", new JsonArray().add(new JsonObject().put("sku", sku).put("quantity", 1).put("unitPrice", "-5.00"))));
    assertProblem(negative, 400, "VALIDATION_FAILED");
    assertEquals("/lines/0/unitPrice", negative.json().getJsonArray("errors").getJsonObject(0).getString("pointer"));

    Answer both = order(WEBSHOP, UUID.randomUUID().toString(), body(externalId, "C-1", sku, 0)
        .put("lines", new JsonArray().add(new JsonObject().put("sku", sku).put("quantity", 0))
            .add(new JsonObject().put("sku", "NO-SUCH-" + sku).put("quantity", 1))));
    assertProblem(both, 400, "VALIDATION_FAILED");
    assertEquals(java.util.Set.of("/lines/0/quantity", "/lines/1/sku"), both.json().getJsonArray("errors").stream()
        .map(e -> ((JsonObject) e).getString("pointer")).collect(java.util.stream.Collectors.toSet()),
        "schema and unknown-SKU problems in one answer: " + both.body());

    JsonObject noShipTo = body(externalId, "C-1", sku, 1);
    noShipTo.remove("shipTo");
    Answer missing = order(WEBSHOP, UUID.randomUUID().toString(), noShipTo);
    assertProblem(missing, 400, "VALIDATION_FAILED");
    assertEquals("/shipTo", missing.json().getJsonArray("errors").getJsonObject(0).getString("pointer"),
        "a missing member is pointed at where it belongs: " + missing.body());

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
  void anOrderNamingAQuoteTakesItsPriceAndCurrencyAndMustMatchIt() throws Exception {
    String sku = stockedSku(500);
    PricingTest.publish(PricingTest.rule("R-" + sku + "-EUR", 1, sku, null, null, "10.00", "9.20"));
    PricingTest.publish(PricingTest.rule("R-" + sku + "-USD", 1, sku, null, null, "11.50", "10.60")
        .put("currency", "USD").put("priceListId", "PL-US"));
    String eur = quoteId(sku, 2, "EUR", "10.00");
    String usd = quoteId(sku, 2, "USD", "11.50");
    String eurFor100 = quoteId(sku, 100, "EUR", "9.20");

    JsonObject quoted = body("Q-" + sku, "C-1", sku, 2);
    quoted.getJsonArray("lines").getJsonObject(0).put("quoteId", eur);
    Answer a = order(WEBSHOP, UUID.randomUUID().toString(), quoted);
    assertEquals(202, a.status(), a.body());
    String orderId = a.json().getString("orderId");
    JsonObject stored = http.get("/v1/orders/" + orderId, KEY, WEBSHOP).json();
    assertEquals("EUR", stored.getString("currency"), stored.encode());
    assertEquals("10.00", stored.getJsonArray("lines").getJsonObject(0).getString("unitPrice"), stored.encode());
    awaitStatus(orderId, "SUBMITTED");
    JsonObject posted = sim.get("/orders/" + orderId).json().getJsonObject("order");
    assertEquals("EUR", posted.getString("currency"), "the ERP gets the currency: " + posted.encode());
    assertEquals("10.00", posted.getJsonArray("lines").getJsonObject(0).getString("unitPrice"), posted.encode());

    JsonObject ownPrice = body(null, "C-1", sku, 1).put("currency", "USD");
    ownPrice.getJsonArray("lines").getJsonObject(0).put("unitPrice", "12.00");
    Answer own = order(WEBSHOP, UUID.randomUUID().toString(), ownPrice);
    assertEquals(202, own.status(), own.body());
    assertEquals("USD", http.get("/v1/orders/" + own.json().getString("orderId"), KEY, WEBSHOP).json()
        .getString("currency"));

    JsonObject otherPrice = body(null, "C-1", sku, 1);
    otherPrice.getJsonArray("lines").getJsonObject(0).put("quoteId", eur).put("unitPrice", "9.00");
    assertRefused(order(WEBSHOP, UUID.randomUUID().toString(), otherPrice), "/lines/0/unitPrice", "10.00 EUR");
    JsonObject otherCustomer = body(null, "C-2", sku, 1);
    otherCustomer.getJsonArray("lines").getJsonObject(0).put("quoteId", eur);
    assertRefused(order(WEBSHOP, UUID.randomUUID().toString(), otherCustomer), "/lines/0/quoteId", "another customer");
    JsonObject otherChannel = body(null, "C-1", sku, 1);
    otherChannel.getJsonArray("lines").getJsonObject(0).put("quoteId", eur);
    assertRefused(order(MARKETPLACE, UUID.randomUUID().toString(), otherChannel), "/lines/0/quoteId", "unknown");
    JsonObject otherCurrency = body(null, "C-1", sku, 1).put("currency", "USD");
    otherCurrency.getJsonArray("lines").getJsonObject(0).put("quoteId", eur);
    assertRefused(order(WEBSHOP, UUID.randomUUID().toString(), otherCurrency), "/lines/0/quoteId",
        "the quote is in EUR, the order in USD");
    JsonObject mixed = body(null, "C-1", sku, 1);
    mixed.getJsonArray("lines").getJsonObject(0).put("quoteId", eur);
    mixed.getJsonArray("lines").add(new JsonObject().put("sku", sku).put("quantity", 1).put("quoteId", usd));
    assertRefused(order(WEBSHOP, UUID.randomUUID().toString(), mixed), "/lines/1/quoteId",
        "the quote is in USD, the order in EUR");
    assertRefused(order(WEBSHOP, UUID.randomUUID().toString(), body(null, "C-1", sku, 1).put("currency", "ZZZ")),
        "/currency", "ISO 4217");

    JsonObject fewerThanTheTier = body(null, "C-1", sku, 5);
    fewerThanTheTier.getJsonArray("lines").getJsonObject(0).put("quoteId", eurFor100);
    assertRefused(order(WEBSHOP, UUID.randomUUID().toString(), fewerThanTheTier), "/lines/0/quantity",
        "applies from 100 units on");
    JsonObject inTheTier = body(null, "C-1", sku, 150);
    inTheTier.getJsonArray("lines").getJsonObject(0).put("quoteId", eurFor100).put("unitPrice", "9.2");
    Answer tier = order(WEBSHOP, UUID.randomUUID().toString(), inTheTier);
    assertEquals(202, tier.status(), tier.body());
    assertEquals("9.20", http.get("/v1/orders/" + tier.json().getString("orderId"), KEY, WEBSHOP).json()
        .getJsonArray("lines").getJsonObject(0).getString("unitPrice"), "the quoted price, as quoted");
  }

  /** The id of a webshop quote for C-1 of {@code quantity} units, once its rule prices them at {@code unitPrice}. */
  private static String quoteId(String sku, int quantity, String currency, String unitPrice) {
    JsonObject body = new JsonObject().put("customerId", "C-1").put("currency", currency)
        .put("lines", new JsonArray().add(new JsonObject().put("sku", sku).put("quantity", quantity)));
    return Eventually.await(DEADLINE, sku + " priced at " + unitPrice + " " + currency,
        () -> http.post("/v1/prices:quote", "application/json", body.encode(), KEY, WEBSHOP),
        q -> q.status() == 201 && unitPrice.equals(q.json().getJsonArray("lines").getJsonObject(0)
            .getString("unitPrice"))).json().getString("quoteId");
  }

  /** A 400 whose only error points at {@code pointer} and says {@code says}. */
  private static void assertRefused(Answer a, String pointer, String says) {
    assertProblem(a, 400, "VALIDATION_FAILED");
    JsonArray errors = a.json().getJsonArray("errors");
    assertEquals(1, errors.size(), a.body());
    assertEquals(pointer, errors.getJsonObject(0).getString("pointer"), a.body());
    assertTrue(errors.getJsonObject(0).getString("message").contains(says), a.body());
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
      Answer ready = Eventually.await(DEADLINE, "ERP breaker open in readiness",
          () -> http.get("/health/ready"), r -> r.body().contains("\"breaker\":\"open\"") && r.status() == 200);
      assertEquals(200, ready.status(), "the ERP being down never makes the instance unready: " + ready.body());
      assertTrue(ready.body().contains("\"breaker\":\"open\",\"degraded\":true"), ready.body());
    } finally {
      configureErp(new JsonObject().put("down", false));
    }
    Eventually.await(DEADLINE, "reservations released once the ERP books the orders",
        () -> http.get("/v1/atp/" + sku, KEY, WEBSHOP).json().getJsonObject("total").getInteger("reserved"),
        reserved -> reserved == 0);
    Eventually.await(DEADLINE, "the ERP breaker closed again by itself", () -> http.get("/metrics").body(),
        m -> sample(m, "gateway_circuit_breaker_open{name=\"erp\"") == 0);
    assertTrue(http.get("/health/ready").body().contains("{\"id\":\"erp\",\"status\":\"UP\",\"data\":"
        + "{\"breaker\":\"closed\",\"degraded\":false}}"), "readiness shows it closed");
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
    try (LogCapture audit = LogCapture.of("tidegate.audit")) {
      Answer replay = http.post("/admin/dlq/orders/" + orderId + "/replay", null, "", "X-Admin-Key", ADMIN,
          "X-Correlation-Id", "replay-" + orderId);
      assertEquals(202, replay.status(), replay.body());
      assertEquals(1, replay.json().getInteger("replayed"));
      String entry = audit.all();
      assertTrue(entry.contains("\"action\":\"dlq.replay\"") && entry.contains("\"target\":\"order/" + orderId + "\"")
          && entry.contains("\"outcome\":\"applied\"") && entry.contains("\"who\":\"admin-key:df76ff79\"")
          && entry.contains("\"correlationId\":\"replay-" + orderId + "\""), entry);
    }
    JsonArray history = awaitStatus(orderId, "SUBMITTED").getJsonArray("history");
    // the replayed OrderAccepted is not a second acceptance; the operator's replay note is in the history
    assertEquals(1, history.stream().filter(e -> ((JsonObject) e).getString("status").equals("ACCEPTED")
        && ((JsonObject) e).getString("detail") == null).count(), history.encode());
    assertTrue(history.encode().contains("replayed from the dead-letter queue"), history.encode());
    assertProblem(http.post("/admin/dlq/orders/" + orderId + "/replay", null, "", "X-Admin-Key", ADMIN), 404,
        "NOT_FOUND");
    assertNull(null);
  }

  @Test
  void operatorsSeeRequestsOrdersAgingAndTheQueueInMetrics() throws Exception {
    Answer a = order(WEBSHOP, UUID.randomUUID().toString(), body(null, "C-1005", stockedSku(5), 1));
    assertEquals(202, a.status(), a.body());
    awaitStatus(a.json().getString("orderId"), "BOOKED");
    // A scrape is counted when it ends, so the one below can only see an earlier one: make sure there is one.
    assertEquals(200, http.get("/metrics").status());
    String metrics = Eventually.await(DEADLINE, "order gauges and lag refreshed",
        () -> http.get("/metrics").body(),
        body -> sample(body, "gateway_orders_by_status{status=\"INVOICED\"") >= 1
            && body.contains("gateway_consumer_lag_records{group=\"poster-"));
    assertTrue(sample(metrics, "gateway_requests_total{channel=\"webshop\",outcome=\"ok\",route_class=\"orders\"")
        >= 1, "intake counted by route class, channel and outcome");
    assertTrue(sample(metrics, "gateway_requests_total{channel=\"none\",outcome=\"ok\",route_class=\"ops\"") >= 1,
        "the metrics scrape itself is an ops request without a channel");
    for (String series : List.of("gateway_order_erp_status_parked_total",
        "gateway_order_erp_status_ignored_total{reason=\"stale_sequence\"",
        "gateway_order_erp_status_ignored_total{reason=\"order_final\"")) {
      assertTrue(sample(metrics, series) >= 0, series + " exported before its first event, for alerts");
    }
    assertTrue(sample(metrics, "gateway_order_aging_seconds_count{stage=\"submitted\"") >= 1, metrics);
    assertTrue(sample(metrics, "gateway_order_aging_seconds_count{stage=\"booked\"") >= 1, "aging to BOOKED");
    assertTrue(metrics.contains("gateway_order_aging_seconds_bucket{stage=\"booked\",le="), "a histogram");
    assertTrue(sample(metrics, "gateway_dlq_depth") >= 0);
    assertTrue(sample(metrics, "gateway_orders_stuck{stage=\"submitted\"") >= 0);

    Answer limited = http.get("/v1/atp/NO-SUCH-SKU", KEY, MARKETPLACE);
    assertEquals(404, limited.status());
    assertTrue(sample(http.get("/metrics").body(),
        "gateway_requests_total{channel=\"marketplace\",outcome=\"client_error\",route_class=\"atp\"") >= 1);
  }

  @Test
  void theReconciliationReportCountsTheWindowAndListsStuckOrdersWithTheirAge() throws Exception {
    String start = java.time.Instant.now().minusSeconds(5).toString();
    Answer booked = order(WEBSHOP, UUID.randomUUID().toString(), body(null, "C-1006", stockedSku(5), 1));
    assertEquals(202, booked.status(), booked.body());
    awaitStatus(booked.json().getString("orderId"), "BOOKED");

    // An order accepted three hours ago (published as the gateway would have) that the ERP cannot take.
    String stuckId = "stuck-" + UUID.randomUUID();
    configureErp(new JsonObject().put("down", true));
    try {
      publishAccepted(stuckId, java.time.Instant.now().minus(Duration.ofHours(3)));
      String from = java.time.Instant.now().minus(Duration.ofHours(4)).toString();
      JsonObject report = Eventually.await(DEADLINE, "the old order listed as stuck",
          () -> http.get("/admin/reconciliation/orders?from=" + from, "X-Admin-Key", ADMIN),
          r -> r.status() == 200 && r.body().contains(stuckId)).json();
      JsonObject stuck = report.getJsonArray("stuck").stream().map(JsonObject.class::cast)
          .filter(o -> o.getString("orderId").equals(stuckId)).findFirst().orElseThrow();
      assertEquals("ACCEPTED", stuck.getString("status"), stuck.encode());
      assertEquals("awaiting ERP acceptance", stuck.getString("stuckAt"));
      assertTrue(stuck.getLong("ageSeconds") >= 3 * 3600 - 60, stuck.encode());
      assertTrue(report.getLong("awaitingPost") >= 1, report.encode());
    } finally {
      configureErp(new JsonObject().put("down", false));
    }
    Eventually.await(DEADLINE, "the stuck order drains once the ERP is back",
        () -> http.get("/admin/reconciliation/orders?from=" + java.time.Instant.now().minus(Duration.ofHours(4)),
            "X-Admin-Key", ADMIN).body(), body -> !body.contains(stuckId));

    JsonObject window = http.get("/admin/reconciliation/orders?from=" + start, "X-Admin-Key", ADMIN).json();
    assertTrue(window.getLong("accepted") >= 1 && window.getLong("postedToErp") >= 1
        && window.getLong("bookedByErp") >= 1, window.encode());
    assertTrue(window.getLong("accepted") >= window.getLong("postedToErp"), window.encode());

    assertProblem(http.get("/admin/reconciliation/orders", KEY, WEBSHOP), 401, "UNAUTHORIZED");
    Answer backwards = http.get("/admin/reconciliation/orders?from=2026-11-23T10:00:00Z&to=2026-11-23T09:00:00Z",
        "X-Admin-Key", ADMIN);
    assertProblem(backwards, 400, "VALIDATION_FAILED");
    assertEquals("query:from", backwards.json().getJsonArray("errors").getJsonObject(0).getString("pointer"));
    Answer notADate = http.get("/admin/reconciliation/orders?to=yesterday", "X-Admin-Key", ADMIN);
    assertProblem(notADate, 400, "VALIDATION_FAILED");
    assertEquals("query:to", notADate.json().getJsonArray("errors").getJsonObject(0).getString("pointer"));
    assertProblem(http.get("/admin/reconciliation/orders?from=2026-01-01T00:00:00Z&to=2026-11-01T00:00:00Z",
        "X-Admin-Key", ADMIN), 400, "VALIDATION_FAILED");
  }

  @Test
  void anErpOnTheNewStatusSchemaAndOneOnTheOldAreReadAlike() throws Exception {
    double refusedBefore = sample(http.get("/metrics").body(), "gateway_order_status_poison_total");
    String sku = stockedSku(20);
    Answer onV1 = order(WEBSHOP, UUID.randomUUID().toString(), body(null, "C-1008", sku, 2));
    assertEquals(202, onV1.status(), onV1.body());
    awaitStatus(onV1.json().getString("orderId"), "BOOKED");
    configureErp(new JsonObject().put("statusSchemaVersion", 2));
    String onV2;
    try {
      Answer a = order(WEBSHOP, UUID.randomUUID().toString(), body(null, "C-1008", sku, 3));
      assertEquals(202, a.status(), a.body());
      onV2 = a.json().getString("orderId");
      awaitStatus(onV2, "INVOICED");
    } finally {
      configureErp(new JsonObject().put("statusSchemaVersion", 1));
    }
    String orderV2 = onV2;
    List<Integer> versions = erpVersions.stream().filter(e -> e.getKey().equals(orderV2)).map(Map.Entry::getValue)
        .toList();
    assertTrue(!versions.isEmpty() && versions.stream().allMatch(v -> v == 2), "the ERP wrote v2: " + versions);
    assertTrue(erpVersions.stream().filter(e -> e.getKey().equals(onV1.json().getString("orderId")))
        .anyMatch(e -> e.getValue() == 1), "and v1 before");
    awaitStatus(onV1.json().getString("orderId"), "INVOICED");
    Eventually.await(DEADLINE, "both orders' reservations released",
        () -> http.get("/v1/atp/" + sku, KEY, WEBSHOP).json().getJsonObject("total").getInteger("reserved"),
        reserved -> reserved == 0);
    assertEquals(refusedBefore, sample(http.get("/metrics").body(), "gateway_order_status_poison_total"),
        "no status event refused");
  }

  @Test
  void copiesOfAnErpStatusAreRecordedOnceABadOneIsDeadLetteredAndEveryChangeIsOnTheStatusTopic() throws Exception {
    Answer a = order(WEBSHOP, UUID.randomUUID().toString(), body(null, "C-1009", stockedSku(5), 1));
    assertEquals(202, a.status(), a.body());
    String orderId = a.json().getString("orderId");
    String erpNumber = awaitStatus(orderId, "INVOICED").getString("erpOrderNumber");
    // The ERP sends BOOKED again under a new event id, then a record that is no event at all; then,
    // on the same partition, a barrier: once the store shows it, both were applied and committed.
    sendErpStatus(orderId, new ErpOrderStatusChanged(orderId, erpNumber, ErpOrderStatusChanged.Status.BOOKED, 2, null,
        Instant.now()));
    TestStack.get().producer().send(new ProducerRecord<>(Topics.ORDERS_ERP_STATUS, 0, orderId,
        "{\"not\":\"an event\"}".getBytes(StandardCharsets.UTF_8))).get();
    String barrier = "barrier-" + UUID.randomUUID();
    publishAccepted(barrier, Instant.now());
    String reason = "barrier " + UUID.randomUUID();
    sendErpStatus(barrier, new ErpOrderStatusChanged(barrier, null, ErpOrderStatusChanged.Status.REJECTED, 9, reason,
        Instant.now()));
    Eventually.await(DEADLINE, "the barrier recorded", () -> http.get("/v1/orders/" + barrier, KEY, WEBSHOP),
        b -> b.status() == 200 && b.body().contains(reason));

    JsonArray history = http.get("/v1/orders/" + orderId, KEY, WEBSHOP).json().getJsonArray("history");
    List<String> statuses = history.stream().map(e -> ((JsonObject) e).getString("status")).toList();
    assertEquals(List.of("ACCEPTED", "SUBMITTED", "BOOKED", "RELEASED", "SHIPPED", "INVOICED"),
        statuses.stream().sorted(java.util.Comparator.comparingInt(
            st -> io.tidegate.orders.StatusRank.of(io.tidegate.schemas.events.OrderStatus.valueOf(st)))).toList(),
        "each status once: " + history.encode());

    ConsumerRecord<String, byte[]> dead = InventoryFeedTest.read(Topics.dlqOf(Topics.ORDERS_ERP_STATUS), 1, orderId)
        .get(0);
    assertEquals("{\"not\":\"an event\"}", new String(dead.value(), StandardCharsets.UTF_8));
    assertNotNull(dead.headers().lastHeader("dlq.reason"), "a reason");

    List<String> published = InventoryFeedTest.readAll(Topics.ORDERS_STATUS, orderId).stream()
        .map(r -> new JsonObject(new String(r.value(), StandardCharsets.UTF_8)).getJsonObject("data").getString("status"))
        .sorted().toList();
    assertEquals(List.of("BOOKED", "INVOICED", "RELEASED", "SHIPPED", "SUBMITTED"), published,
        "every status change the gateway recorded, once, on " + Topics.ORDERS_STATUS);
  }

  @Test
  void anOrderTheErpCancelsIsCancelledWithItsReasonAndReleasesItsReservation() throws Exception {
    String sku = stockedSku(10);
    configureErp(new JsonObject().put("down", true));
    String orderId;
    try {
      Answer a = order(WEBSHOP, UUID.randomUUID().toString(), body(null, "C-1011", sku, 4));
      assertEquals(202, a.status(), a.body());
      orderId = a.json().getString("orderId");
      Eventually.await(DEADLINE, "4 reserved", () -> http.get("/v1/atp/" + sku, KEY, WEBSHOP).json()
          .getJsonObject("total").getInteger("reserved"), reserved -> reserved == 4);
      // As the ERP would after booking it: the customer called and cancelled.
      sendErpStatus(orderId, new ErpOrderStatusChanged(orderId, "ERP-C-1", ErpOrderStatusChanged.Status.BOOKED, 1,
          null, Instant.now()));
      sendErpStatus(orderId, new ErpOrderStatusChanged(orderId, "ERP-C-1", ErpOrderStatusChanged.Status.CANCELLED, 2,
          "cancelled by the customer", Instant.now()));
      String id = orderId;
      JsonObject order = Eventually.await(DEADLINE, "order cancelled", () -> http.get("/v1/orders/" + id, KEY, WEBSHOP),
          o -> o.status() == 200 && o.json().getString("status").equals("CANCELLED")).json();
      assertTrue(order.getJsonArray("history").stream().map(JsonObject.class::cast).anyMatch(h ->
          h.getString("status").equals("CANCELLED") && "cancelled by the customer".equals(h.getString("detail"))),
          order.encode());
      Eventually.await(DEADLINE, "the reservation released", () -> http.get("/v1/atp/" + sku, KEY, WEBSHOP).json()
          .getJsonObject("total").getInteger("reserved"), reserved -> reserved == 0);
    } finally {
      configureErp(new JsonObject().put("down", false));
    }
    assertTrue(InventoryFeedTest.readAll(Topics.ORDERS_STATUS, orderId).stream()
        .map(r -> new JsonObject(new String(r.value(), StandardCharsets.UTF_8)).getJsonObject("data"))
        .anyMatch(d -> d.getString("status").equals("CANCELLED") && d.getString("channel").equals("webshop")),
        "CANCELLED on " + Topics.ORDERS_STATUS);
  }

  @Test
  void anErpStatusOutOfSequenceOrAfterTheOrderEndedIsIgnored() throws Exception {
    String sku = stockedSku(10);
    String stale = "gateway_order_erp_status_ignored_total{reason=\"stale_sequence\"";
    String afterFinal = "gateway_order_erp_status_ignored_total{reason=\"order_final\"";
    configureErp(new JsonObject().put("down", true));
    try {
      Answer a = order(WEBSHOP, UUID.randomUUID().toString(), body(null, "C-1012", sku, 1));
      assertEquals(202, a.status(), a.body());
      String orderId = a.json().getString("orderId");
      // A second order whose status, sent last to the same partition, shows when the ones before it were applied
      // (the counters are shared with the other tests' late ERP statuses, so they alone cannot tell).
      Answer marker = order(WEBSHOP, UUID.randomUUID().toString(), body(null, "C-1012", sku, 1));
      assertEquals(202, marker.status(), marker.body());
      String markerId = marker.json().getString("orderId");
      awaitStatus(orderId, "ACCEPTED");
      awaitStatus(markerId, "ACCEPTED");
      String metrics = http.get("/metrics").body();
      double staleBefore = Math.max(0, sample(metrics, stale));
      double finalBefore = Math.max(0, sample(metrics, afterFinal));
      sendErpStatus(orderId, new ErpOrderStatusChanged(orderId, "ERP-S-1", ErpOrderStatusChanged.Status.BOOKED, 1,
          null, Instant.now()));
      sendErpStatus(orderId, new ErpOrderStatusChanged(orderId, "ERP-S-1", ErpOrderStatusChanged.Status.SHIPPED, 3,
          null, Instant.now()));
      // resent late by the ERP: its sequence is below the one applied
      sendErpStatus(orderId, new ErpOrderStatusChanged(orderId, "ERP-S-1", ErpOrderStatusChanged.Status.RELEASED, 2,
          null, Instant.now()));
      sendErpStatus(orderId, new ErpOrderStatusChanged(orderId, "ERP-S-1", ErpOrderStatusChanged.Status.CANCELLED, 4,
          "cancelled by the customer", Instant.now()));
      sendErpStatus(orderId, new ErpOrderStatusChanged(orderId, "ERP-OTHER", ErpOrderStatusChanged.Status.INVOICED, 5,
          null, Instant.now()));
      sendErpStatus(markerId, new ErpOrderStatusChanged(markerId, "ERP-S-2", ErpOrderStatusChanged.Status.BOOKED, 1,
          null, Instant.now()));
      awaitStatus(markerId, "BOOKED");
      String after = http.get("/metrics").body();
      assertTrue(sample(after, stale) >= staleBefore + 1, "the late RELEASED counted: " + sample(after, stale));
      assertTrue(sample(after, afterFinal) >= finalBefore + 1, "INVOICED after CANCELLED counted");

      JsonObject order = http.get("/v1/orders/" + orderId, KEY, WEBSHOP).json();
      assertEquals("CANCELLED", order.getString("status"), order.encode());
      List<String> history = order.getJsonArray("history").stream().map(e -> ((JsonObject) e).getString("status"))
          .toList();
      assertEquals(List.of("BOOKED", "SHIPPED", "CANCELLED"), history.stream().filter(h -> !h.equals("ACCEPTED")
          && !h.equals("SUBMITTED")).toList(), "neither the late RELEASED nor INVOICED after the end: " + order.encode());
      assertEquals("ERP-S-1", order.getString("erpOrderNumber"), order.encode());
    } finally {
      configureErp(new JsonObject().put("down", false));
    }
  }

  @Test
  void anErpStatusThatComesBeforeItsOrderWaitsForItAndIsThenRecordedWithItsNumberAndPublished() throws Exception {
    String orderId = "early-" + UUID.randomUUID();
    double parkedBefore = Math.max(0, sample(http.get("/metrics").body(), "gateway_order_erp_status_parked_total"));
    sendErpStatus(orderId, new ErpOrderStatusChanged(orderId, "ERP-EARLY-1", ErpOrderStatusChanged.Status.BOOKED, 1,
        null, Instant.now()));
    Eventually.await(DEADLINE, "the ERP status parked",
        () -> sample(http.get("/metrics").body(), "gateway_order_erp_status_parked_total"),
        n -> n > parkedBefore);
    assertEquals(404, http.get("/v1/orders/" + orderId, KEY, WEBSHOP).status(), "no order yet");

    // The simulator stays down meanwhile: its own booking of the order would race the parked one.
    configureErp(new JsonObject().put("down", true));
    JsonObject order;
    try {
      publishAccepted(orderId, Instant.now());
      order = Eventually.await(DEADLINE, "order " + orderId + " BOOKED", () -> http.get("/v1/orders/" + orderId, KEY,
          WEBSHOP), a -> a.status() == 200 && a.json().getString("status").equals("BOOKED")).json();
    } finally {
      configureErp(new JsonObject().put("down", false));
    }
    assertEquals("BOOKED", order.getString("status"), order.encode());
    assertEquals("ERP-EARLY-1", order.getString("erpOrderNumber"), "the ERP's number is kept: " + order.encode());
    List<JsonObject> published = InventoryFeedTest.readAll(Topics.ORDERS_STATUS, orderId).stream()
        .map(r -> new JsonObject(new String(r.value(), StandardCharsets.UTF_8)).getJsonObject("data"))
        .filter(d -> d.getString("status").equals("BOOKED")).toList();
    assertEquals(1, published.size(), "BOOKED on " + Topics.ORDERS_STATUS + " once: " + published);
    assertEquals("webshop", published.get(0).getString("channel"));
    assertEquals("ERP-EARLY-1", published.get(0).getString("erpOrderNumber"));
  }

  private static void sendErpStatus(String orderId, ErpOrderStatusChanged status) throws Exception {
    byte[] value = new io.tidegate.schemas.events.EventCodec().encode(io.tidegate.schemas.events.EventEnvelope.of(
        io.tidegate.schemas.events.EventType.ERP_ORDER_STATUS_CHANGED, "corr-" + orderId, "erp-test", status));
    TestStack.get().producer().send(new ProducerRecord<>(Topics.ORDERS_ERP_STATUS, 0, orderId, value)).get();
  }

  // ---- helpers ----

  /** The value of the first Prometheus sample whose line starts with {@code prefix}, or -1. */
  static double sample(String metrics, String prefix) {
    return metrics.lines().filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
  }

  /** Publishes an OrderAccepted event for a stocked SKU, as the gateway's intake would have. */
  private static void publishAccepted(String orderId, java.time.Instant acceptedAt) throws Exception {
    io.tidegate.schemas.events.OrderAccepted order = new io.tidegate.schemas.events.OrderAccepted(orderId, "webshop",
        "key-" + orderId, null, "C-1007",
        new io.tidegate.schemas.events.ShipTo("Ada Lovelace", "12 Harbour Road", null, "Rotterdam", "3011 AA", "NL"),
        java.util.List.of(new io.tidegate.schemas.events.OrderLine(stockedSku(5), 1, null, null, java.util.List.of())),
        null, null, acceptedAt);
    byte[] value = new io.tidegate.schemas.events.EventCodec().encode(io.tidegate.schemas.events.EventEnvelope.of(
        io.tidegate.schemas.events.EventType.ORDER_ACCEPTED, "corr-" + orderId, "tidegate-gateway", order));
    TestStack.get().producer().send(new org.apache.kafka.clients.producer.ProducerRecord<>(
        io.tidegate.schemas.Topics.ORDERS_ACCEPTED, orderId, value)).get();
  }

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
