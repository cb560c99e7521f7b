package io.tidegate.dev.erp;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The simulator over real HTTP, as the gateway's ERP poster sees it. */
/* generous deadline: on a busy 2-core machine the first test pays ~30 s of class loading */
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
@ExtendWith(VertxExtension.class)
class ErpSimulatorTest {

  /** No latency, no limit, no progression: each test turns on what it is about. */
  private static final ErpSimulatorOptions QUIET = ErpSimulatorOptions.defaults()
      .withPort(0).withLatencyMs(0).withJitterMs(0).withRatePerSecond(0)
      .withProgressionStepMs(0).withSeed(7L);

  private InMemoryStatusSink sink;
  private WebClient client;

  @Test
  void aRepeatedPostIsReplayedWithTheSameBodyAndCreatesNoSecondOrder(Vertx vertx, VertxTestContext ctx) {
    JsonObject order = order("O-1", "C-1");
    Buffer[] first = new Buffer[1];
    start(vertx, QUIET.withLatencyMs(5).withJitterMs(5))
        .compose(v -> post(order, "corr-1"))
        .compose(r -> {
          assertEquals(201, r.statusCode(), r.bodyAsString());
          assertEquals("corr-1", r.getHeader("X-Correlation-Id"));
          assertNull(r.getHeader("Idempotent-Replayed"));
          JsonObject body = r.bodyAsJsonObject();
          assertEquals("ERP-000001", body.getString("erpOrderNumber"));
          assertEquals("O-1", body.getString("orderId"));
          assertEquals("RECEIVED", body.getString("status"));
          first[0] = r.body();
          return post(order, null);
        })
        .compose(r -> {
          assertEquals(200, r.statusCode());
          assertEquals("true", r.getHeader("Idempotent-Replayed"));
          assertEquals(first[0], r.body(), "the replay is byte for byte the first answer");
          assertNotNull(r.getHeader("X-Correlation-Id"), "a correlation id is generated when absent");
          return get("/sim/stats");
        })
        .compose(stats -> {
          JsonObject s = stats.bodyAsJsonObject();
          assertEquals(1, s.getInteger("orders"));
          assertEquals(2, s.getInteger("posts"));
          assertEquals(1, s.getInteger("replays"));
          assertEquals(0, s.getInteger("duplicatesCreated"));
          return get("/orders/O-1");
        })
        .compose(r -> {
          assertEquals(200, r.statusCode());
          JsonObject record = r.bodyAsJsonObject();
          assertEquals(2, record.getInteger("posts"));
          assertEquals("ERP-000001", record.getString("erpOrderNumber"));
          assertEquals("RECEIVED", record.getString("status"));
          assertEquals("corr-1", record.getString("correlationId"));
          return get("/orders/UNKNOWN");
        })
        .map(r -> {
          assertEquals(404, r.statusCode());
          return r;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void fiftyConcurrentPostsOfOneOrderCreateExactlyOneErpOrder(Vertx vertx, VertxTestContext ctx) {
    JsonObject order = order("O-CONC", "C-1");
    start(vertx, QUIET.withLatencyMs(5).withJitterMs(20).withRatePerSecond(1_000))
        .compose(v -> {
          List<Future<HttpResponse<Buffer>>> posts = new ArrayList<>();
          for (int i = 0; i < 50; i++) {
            posts.add(post(order, "corr-" + i));
          }
          return Future.all(posts).map(all -> {
            List<HttpResponse<Buffer>> responses = all.list();
            assertEquals(1, responses.stream().filter(r -> r.statusCode() == 201).count());
            assertEquals(49, responses.stream().filter(r -> r.statusCode() == 200).count());
            Set<Buffer> bodies = responses.stream().map(HttpResponse::body).collect(Collectors.toSet());
            assertEquals(1, bodies.size(), "every answer carries the same ERP order");
            return all;
          });
        })
        .compose(v -> get("/sim/stats"))
        .compose(stats -> {
          JsonObject s = stats.bodyAsJsonObject();
          assertEquals(1, s.getInteger("orders"));
          assertEquals(50, s.getInteger("posts"));
          assertEquals(49, s.getInteger("replays"));
          assertEquals(0, s.getInteger("duplicatesCreated"));
          return get("/sim/orders");
        })
        .compose(list -> {
          JsonArray orders = list.bodyAsJsonArray();
          assertEquals(1, orders.size());
          assertEquals(new JsonObject().put("orderId", "O-CONC").put("erpOrderNumber", "ERP-000001")
              .put("posts", 50).put("status", "RECEIVED"), orders.getJsonObject(0));
          return post(order("O-NEXT", "C-1"), null);
        })
        .map(r -> {
          assertEquals(201, r.statusCode());
          assertEquals("ERP-000002", r.bodyAsJsonObject().getString("erpOrderNumber"), "numbers are sequential");
          return r;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void overTheRateAnswers429WithRetryAfterAndALaterRequestSucceeds(Vertx vertx, VertxTestContext ctx) {
    List<String> refused = new ArrayList<>();
    long[] retryAfter = new long[1];
    start(vertx, QUIET.withRatePerSecond(2))
        .compose(v -> {
          long startNanos = System.nanoTime();
          List<Future<HttpResponse<Buffer>>> posts = new ArrayList<>();
          for (int i = 0; i < 6; i++) {
            posts.add(post(order("O-R" + i, "C-1"), null));
          }
          return Future.all(posts).map(all -> {
            double elapsedSeconds = (System.nanoTime() - startNanos) / 1e9;
            List<HttpResponse<Buffer>> responses = all.list();
            for (int i = 0; i < responses.size(); i++) {
              HttpResponse<Buffer> r = responses.get(i);
              assertTrue(r.statusCode() == 201 || r.statusCode() == 429, "status " + r.statusCode());
              if (r.statusCode() == 429) {
                refused.add("O-R" + i);
                long seconds = Long.parseLong(r.getHeader("Retry-After"));
                assertTrue(seconds >= 1, "Retry-After is whole seconds >= 1, was " + seconds);
                retryAfter[0] = Math.max(retryAfter[0], seconds);
              }
            }
            long accepted = 6 - refused.size();
            assertTrue(accepted <= 2 + Math.ceil(2 * elapsedSeconds),
                "burst 2 plus 2/s refill over " + elapsedSeconds + " s, but accepted " + accepted);
            assertFalse(refused.isEmpty(), "6 requests at once against a burst of 2");
            return all;
          });
        })
        .compose(v -> get("/sim/stats"))
        .compose(stats -> {
          assertEquals(refused.size(), stats.bodyAsJsonObject().getInteger("rejected429"));
          assertEquals(6 - refused.size(), stats.bodyAsJsonObject().getInteger("orders"));
          return get("/orders/" + refused.get(0));
        })
        .compose(r -> {
          assertEquals(404, r.statusCode(), "a 429 creates nothing");
          return delay(vertx, retryAfter[0] * 1000);
        })
        .compose(v -> post(order(refused.get(0), "C-1"), null))
        .map(r -> {
          assertEquals(201, r.statusCode(), "after Retry-After the request is accepted");
          return r;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void downFromConfigAnswers503UntilBroughtBackUp(Vertx vertx, VertxTestContext ctx) {
    JsonObject order = order("O-DOWN", "C-1");
    start(vertx, QUIET.withLatencyMs(10))
        .compose(v -> putConfig(new JsonObject().put("down", true)))
        .compose(r -> {
          assertEquals(200, r.statusCode());
          assertTrue(r.bodyAsJsonObject().getBoolean("down"));
          return post(order, "corr-down");
        })
        .compose(r -> {
          assertEquals(503, r.statusCode());
          assertTrue(Long.parseLong(r.getHeader("Retry-After")) >= 1);
          assertEquals("corr-down", r.getHeader("X-Correlation-Id"));
          return get("/orders/O-DOWN");
        })
        .compose(r -> {
          assertEquals(503, r.statusCode(), "reads are down too");
          return putConfig(new JsonObject().put("down", false));
        })
        .compose(r -> {
          assertFalse(r.bodyAsJsonObject().getBoolean("down"));
          return post(order, null);
        })
        .compose(r -> {
          assertEquals(201, r.statusCode());
          assertEquals("ERP-000001", r.bodyAsJsonObject().getString("erpOrderNumber"));
          return get("/orders/O-DOWN");
        })
        .compose(r -> {
          assertEquals(2, r.bodyAsJsonObject().getInteger("posts"), "the shed POST counts as received");
          return get("/sim/stats");
        })
        .map(r -> {
          assertEquals(2, r.bodyAsJsonObject().getInteger("down503"));
          return r;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void failureRateOneAnswers500AndCreatesNothing(Vertx vertx, VertxTestContext ctx) {
    JsonObject order = order("O-FAIL", "C-1");
    start(vertx, QUIET.withFailureRate(1.0))
        .compose(v -> post(order, null))
        .compose(r -> {
          assertEquals(500, r.statusCode());
          assertEquals("simulated ERP failure", r.bodyAsJsonObject().getString("reason"));
          return get("/orders/O-FAIL");
        })
        .compose(r -> {
          assertEquals(404, r.statusCode());
          return putConfig(new JsonObject().put("failureRate", 0));
        })
        .compose(r -> post(order, null))
        .compose(r -> {
          assertEquals(201, r.statusCode(), "the retry after a 500 creates the order");
          return get("/sim/stats");
        })
        .map(r -> {
          JsonObject s = r.bodyAsJsonObject();
          assertEquals(1, s.getInteger("failed500"));
          assertEquals(1, s.getInteger("orders"));
          return s;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aBlockedCustomerIsRefusedFor422WithOneRejectedEvent(Vertx vertx, VertxTestContext ctx) {
    JsonObject blocked = order("O-BLK", "BLOCKED-42");
    JsonObject normal = order("O-OK", "C-1");
    Buffer[] first = new Buffer[1];
    start(vertx, QUIET.withProgressionStepMs(50))
        .compose(v -> post(blocked, "corr-blk"))
        .compose(r -> {
          assertEquals(422, r.statusCode());
          assertTrue(r.bodyAsJsonObject().getString("reason").contains("BLOCKED-42"));
          first[0] = r.body();
          List<JsonObject> events = sink.eventsFor("O-BLK");
          assertEquals(1, events.size());
          JsonObject e = events.get(0);
          assertEquals("ErpOrderStatusChanged", e.getString("type"));
          assertEquals("corr-blk", e.getString("correlationId"));
          JsonObject data = e.getJsonObject("data");
          assertEquals("REJECTED", data.getString("status"));
          assertEquals(1, data.getInteger("sequence"));
          assertTrue(data.getString("reason").contains("BLOCKED-42"));
          return post(blocked, null);
        })
        .compose(r -> {
          assertEquals(422, r.statusCode(), "a refusal is permanent");
          assertEquals(first[0], r.body());
          assertEquals("true", r.getHeader("Idempotent-Replayed"));
          assertEquals(1, sink.eventsFor("O-BLK").size(), "the repeat emits nothing");
          return get("/orders/O-BLK");
        })
        .compose(r -> {
          assertEquals("REJECTED", r.bodyAsJsonObject().getString("status"));
          assertNull(r.bodyAsJsonObject().getString("erpOrderNumber"));
          return post(normal, null);
        })
        .compose(r -> awaitEvents("O-OK", 4))
        .map(events -> {
          assertEquals(1, sink.eventsFor("O-BLK").size(), "no progression after a refusal");
          return events;
        })
        .compose(v -> get("/sim/stats"))
        .map(r -> {
          assertEquals(1, r.bodyAsJsonObject().getInteger("orders"));
          assertEquals(1, r.bodyAsJsonObject().getInteger("refused422"));
          return r;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void progressionEmitsBookedToInvoicedInOrder(Vertx vertx, VertxTestContext ctx) {
    String[] erpNumber = new String[1];
    start(vertx, QUIET.withProgressionStepMs(50))
        .compose(v -> post(order("O-PROG", "C-1"), "corr-prog"))
        .compose(r -> {
          assertEquals(201, r.statusCode());
          erpNumber[0] = r.bodyAsJsonObject().getString("erpOrderNumber");
          return awaitEvents("O-PROG", 4);
        })
        .compose(events -> {
          List<String> statuses = new ArrayList<>();
          Set<String> eventIds = new HashSet<>();
          Instant previous = Instant.MIN;
          for (int i = 0; i < events.size(); i++) {
            JsonObject e = events.get(i);
            assertEquals("ErpOrderStatusChanged", e.getString("type"));
            assertEquals(1, e.getInteger("schemaVersion"));
            assertEquals("erp-simulator", e.getString("source"));
            assertEquals("corr-prog", e.getString("correlationId"));
            eventIds.add(UUID.fromString(e.getString("eventId")).toString());
            Instant occurredAt = Instant.parse(e.getString("occurredAt"));
            assertTrue(e.getString("occurredAt").endsWith("Z"), "UTC");
            assertFalse(occurredAt.isBefore(previous), "events are in time order");
            previous = occurredAt;
            JsonObject data = e.getJsonObject("data");
            assertEquals("O-PROG", data.getString("orderId"));
            assertEquals(erpNumber[0], data.getString("erpOrderNumber"));
            assertEquals(i + 1, data.getInteger("sequence"));
            assertFalse(data.containsKey("reason"));
            assertEquals(occurredAt, Instant.parse(data.getString("at")));
            statuses.add(data.getString("status"));
          }
          assertEquals(List.of("BOOKED", "RELEASED", "SHIPPED", "INVOICED"), statuses);
          assertEquals(4, eventIds.size());
          assertEquals(4, sink.published().size(), "nothing else was published");
          assertTrue(sink.published().stream().allMatch(p -> p.orderId().equals("O-PROG")
              && p.correlationId().equals("corr-prog")), "key and correlation header");
          return get("/orders/O-PROG");
        })
        .map(r -> {
          JsonObject record = r.bodyAsJsonObject();
          assertEquals("INVOICED", record.getString("status"));
          assertEquals(5, record.getJsonArray("history").size());
          return r;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aHeldAnswerStillCreatesTheOrderSoTheRetryIsAReplay(Vertx vertx, VertxTestContext ctx) {
    JsonObject order = order("O-HELD", "C-1");
    start(vertx, QUIET.withTimeoutRate(1.0).withTimeoutHoldMs(10_000))
        .compose(v -> client.post("/orders").putHeader("Idempotency-Key", "O-HELD").timeout(1_500)
            .sendJsonObject(order)
            .transform(ar -> {
              assertTrue(ar.failed(), "the client gives up before the held answer");
              return putConfig(new JsonObject().put("timeoutRate", 0));
            }))
        .compose(r -> post(order, null))
        .compose(r -> {
          assertEquals(200, r.statusCode(), "the ERP booked it while the answer was held");
          assertEquals("true", r.getHeader("Idempotent-Replayed"));
          return get("/sim/stats");
        })
        .map(r -> {
          JsonObject s = r.bodyAsJsonObject();
          assertEquals(1, s.getInteger("orders"));
          assertEquals(1, s.getInteger("timeoutsHeld"));
          assertEquals(0, s.getInteger("duplicatesCreated"));
          return s;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void badRequestsAre400WithAReason(Vertx vertx, VertxTestContext ctx) {
    JsonObject valid = order("O-V", "C-1");
    JsonObject badLine = order("O-V", "C-1");
    badLine.getJsonArray("lines").getJsonObject(0).put("quantity", 0).put("unitPrice", 12.5);
    badLine.put("currency", "euro");
    start(vertx, QUIET)
        .compose(v -> client.post("/orders").sendJsonObject(valid))
        .compose(r -> {
          assertBadRequest(r, "Idempotency-Key");
          return client.post("/orders").putHeader("Idempotency-Key", "OTHER").sendJsonObject(valid);
        })
        .compose(r -> {
          assertBadRequest(r, "must equal /orderId");
          return client.post("/orders").putHeader("Idempotency-Key", "O-V").sendBuffer(Buffer.buffer("{\"orderId\":"));
        })
        .compose(r -> {
          assertBadRequest(r, "JSON object");
          return client.post("/orders").putHeader("Idempotency-Key", "O-V").sendJsonObject(badLine);
        })
        .compose(r -> {
          assertBadRequest(r, "/lines/0/quantity");
          assertTrue(r.bodyAsJsonObject().getString("reason").contains("/lines/0/unitPrice"), "every problem is named");
          assertTrue(r.bodyAsJsonObject().getString("reason").contains("/currency"), "every problem is named");
          return putConfig(new JsonObject().put("failureRate", 1.5));
        })
        .compose(r -> {
          assertBadRequest(r, "failureRate=1.5");
          return putConfig(new JsonObject().put("port", 1));
        })
        .compose(r -> {
          assertBadRequest(r, "port");
          return client.put("/sim/config").sendBuffer(Buffer.buffer("down"));
        })
        .compose(r -> {
          assertBadRequest(r, "JSON object");
          return get("/sim/config");
        })
        .compose(r -> {
          assertEquals(0.0, r.bodyAsJsonObject().getDouble("failureRate"), "a refused change changes nothing");
          return get("/sim/stats");
        })
        .map(r -> {
          assertEquals(4, r.bodyAsJsonObject().getInteger("badRequest400"));
          assertEquals(0, r.bodyAsJsonObject().getInteger("orders"));
          return r;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aCancelledOrderEmitsCancelledWithItsReasonAndProgressesNoFurther(Vertx vertx, VertxTestContext ctx) {
    start(vertx, QUIET.withProgressionStepMs(200))
        .compose(v -> post(order("O-CAN", "C-1"), "corr-can"))
        .compose(r -> awaitEvents("O-CAN", 1))
        .compose(booked -> client.post("/sim/orders/O-CAN/cancel")
            .sendJsonObject(new JsonObject().put("reason", "customer changed their mind")))
        .compose(r -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          assertEquals("CANCELLED", r.bodyAsJsonObject().getString("status"));
          return awaitEvents("O-CAN", 2);
        })
        .compose(events -> {
          JsonObject data = events.get(1).getJsonObject("data");
          assertEquals("CANCELLED", data.getString("status"));
          assertEquals("customer changed their mind", data.getString("reason"));
          assertEquals(2, data.getInteger("sequence"));
          return client.post("/sim/orders/O-CAN/cancel").send();
        })
        .compose(again -> {
          assertEquals(409, again.statusCode(), "a cancelled order is not cancelled again");
          return client.post("/sim/orders/NO-SUCH/cancel").send();
        })
        .compose(unknown -> {
          assertEquals(404, unknown.statusCode());
          // An order posted after the cancel, on the same timers: once it is INVOICED, every step
          // the cancelled order had left would have run too.
          return post(order("O-AFTER", "C-1"), "corr-after").compose(r -> awaitEvents("O-AFTER", 4));
        })
        .map(v -> {
          assertEquals(List.of("BOOKED", "CANCELLED"), sink.eventsFor("O-CAN").stream()
              .map(e -> e.getJsonObject("data").getString("status")).toList(), "no progression after the cancel");
          return v;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  // ---------------------------------------------------------------------------------------------

  private Future<ErpSimulator> start(Vertx vertx, ErpSimulatorOptions options) {
    sink = new InMemoryStatusSink();
    return ErpSimulator.start(vertx, options, sink).onSuccess(sim -> client = WebClient.create(vertx,
        new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(sim.actualPort()),
        new PoolOptions().setHttp1MaxSize(64)));
  }

  private static JsonObject order(String orderId, String customerId) {
    return new JsonObject()
        .put("orderId", orderId)
        .put("channel", "webshop")
        .put("customerId", customerId)
        .put("shipTo", new JsonObject().put("name", "A. Buyer").put("country", "DE"))
        .put("lines", new JsonArray()
            .add(new JsonObject().put("sku", "SKU-0001").put("quantity", 2).put("unitPrice", "12.50"))
            .add(new JsonObject().put("sku", "SKU-0002").put("quantity", 1)))
        .put("requestedDate", "2026-12-01");
  }

  private Future<HttpResponse<Buffer>> post(JsonObject order, String correlationId) {
    HttpRequest<Buffer> request = client.post("/orders").putHeader("Idempotency-Key", order.getString("orderId"));
    if (correlationId != null) {
      request.putHeader("X-Correlation-Id", correlationId);
    }
    return request.sendJsonObject(order);
  }

  private Future<HttpResponse<Buffer>> get(String path) {
    return client.request(HttpMethod.GET, path).send();
  }

  private Future<HttpResponse<Buffer>> putConfig(JsonObject patch) {
    return client.put("/sim/config").sendJsonObject(patch);
  }

  /** Completes when {@code count} events of the order were published; the test's deadline bounds the wait. */
  private Future<List<JsonObject>> awaitEvents(String orderId, int count) {
    Promise<List<JsonObject>> done = Promise.promise();
    sink.onPublish(p -> {
      List<JsonObject> events = sink.eventsFor(orderId);
      if (events.size() >= count) {
        done.tryComplete(events);
      }
    });
    List<JsonObject> already = sink.eventsFor(orderId);
    if (already.size() >= count) {
      done.tryComplete(already);
    }
    return done.future();
  }

  private static Future<Void> delay(Vertx vertx, long ms) {
    Promise<Void> p = Promise.promise();
    vertx.setTimer(ms, id -> p.complete());
    return p.future();
  }

  private static void assertBadRequest(HttpResponse<Buffer> r, String reasonPart) {
    assertEquals(400, r.statusCode(), r.bodyAsString());
    String reason = r.bodyAsJsonObject().getString("reason");
    assertTrue(reason.contains(reasonPart), () -> "'" + reason + "' should contain '" + reasonPart + "'");
  }
}
