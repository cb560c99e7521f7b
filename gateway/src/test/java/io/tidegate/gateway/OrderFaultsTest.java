package io.tidegate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidegate.dev.DemoData;
import io.tidegate.dev.EmbeddedKafka;
import io.tidegate.dev.Eventually;
import io.tidegate.dev.Http;
import io.tidegate.dev.TestStack;
import io.tidegate.dev.erp.ErpSimulator;
import io.tidegate.dev.erp.ErpSimulatorOptions;
import io.tidegate.dev.erp.KafkaStatusSink;
import io.tidegate.schemas.Topics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Order intake and posting under faults, on real brokers: the broker stopped in the middle of a
 * burst (every 202 is in Kafka exactly once, every other answer is a clear 503, nothing hangs, and
 * intake recovers by itself), and a gateway instance that dies while draining into the ERP (the
 * next instance finishes the drain: no order lost, none created twice in the ERP).
 */
class OrderFaultsTest {

  private static final String MARKETPLACE = "dev-marketplace-key";

  @TempDir
  Path dir;

  @Test
  void aBrokerStoppedMidBurstLosesNoAcknowledgedOrderAndAnswersEveryOtherWith503() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, 0);
    Topics.all().forEach(t -> kafka.createTopic(t.name(), t.partitions(), t.compacted()));
    String sku = "FAULT-" + UUID.randomUUID().toString().substring(0, 8);
    try (KafkaProducer<String, byte[]> p = producer(kafka.bootstrapServers())) {
      p.send(new ProducerRecord<>(Topics.INVENTORY_POSITIONS, sku + "@DC1", DemoData.envelope("InventoryPositionChanged",
          InventoryFeedTest.position(sku, "DC1", 1, 1_000_000, 0, 0, 0), "fault-test"))).get();
    }
    Map<String, String> env = isolated();
    env.put("TIDEGATE_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("TIDEGATE_KAFKA_SEND_TIMEOUT_MS", "3000");
    GatewayApp app = GatewayApp.start(TestStack.get().config(env)).await();
    EmbeddedKafka restarted = null;
    try {
      Http http = new Http(app.port());
      Eventually.await(Duration.ofSeconds(30), sku + " known",
          () -> http.get("/v1/atp/" + sku, "X-Api-Key", MARKETPLACE).status(), s -> s == 200);

      Map<String, Integer> statusByKey = new ConcurrentHashMap<>();
      Set<String> accepted = ConcurrentHashMap.newKeySet();
      AtomicInteger answered = new AtomicInteger();
      HttpClient client = HttpClient.newHttpClient();
      Semaphore window = new Semaphore(16);
      List<CompletableFuture<?>> all = new ArrayList<>();
      CompletableFuture<Void> stopped = null;
      for (int i = 0; i < 200; i++) {
        window.acquire();
        if (answered.get() >= 40 && stopped == null) {
          stopped = CompletableFuture.runAsync(kafka::close);
        }
        String key = UUID.randomUUID().toString();
        all.add(client.sendAsync(order(app.port(), key, sku), HttpResponse.BodyHandlers.ofString())
            .whenComplete((r, e) -> {
              window.release();
              answered.incrementAndGet();
              statusByKey.put(key, e == null ? r.statusCode() : -1);
              if (e == null && r.statusCode() == 202) {
                accepted.add(new JsonObject(r.body()).getString("orderId"));
              } else if (e == null) {
                assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
                assertTrue(r.headers().firstValue("Retry-After").isPresent(), r.body());
              }
            }));
      }
      CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
      if (stopped != null) {
        stopped.get(30, TimeUnit.SECONDS);
      }
      Set<Integer> statuses = new HashSet<>(statusByKey.values());
      assertTrue(Set.of(202, 503).containsAll(statuses), "only 202 or 503, no 500, no time-out: " + statuses);
      assertTrue(accepted.size() >= 40, "the orders before the stop were accepted: " + accepted.size());
      assertTrue(statuses.contains(503), "the stop was noticed: " + statuses);

      // The broker is down for every instance alike: reported, but the instance stays in rotation
      // (ATP is still served, orders get fast 503s).
      Eventually.await(Duration.ofSeconds(30), "/health/ready says the broker is down",
          () -> http.get("/health/ready"), r -> r.status() == 200
              && r.body().contains("{\"id\":\"kafka\",\"status\":\"DOWN\",\"data\":{\"reason\":\"broker unreachable\"}}")
              && r.json().getJsonArray("degraded").contains("kafka"));
      long asked = System.nanoTime();
      assertEquals(200, http.get("/health/ready").status());
      long tookMs = (System.nanoTime() - asked) / 1_000_000;
      // Checked in the background: not after the check's 3 s time-out, as when the probe itself asked.
      assertTrue(tookMs < 2000, "readiness answered in " + tookMs + " ms with the broker down");
      assertEquals(200, http.get("/v1/atp/" + sku, "X-Api-Key", MARKETPLACE).status(), "ATP still served");

      restarted = EmbeddedKafka.start(dir.resolve("kafka"), kafka.brokerPort(), kafka.controllerPort());
      Map<String, Integer> inKafka = acceptedOrders(restarted.bootstrapServers());
      for (String orderId : accepted) {
        assertEquals(1, inKafka.getOrDefault(orderId, 0), "202'd order " + orderId + " in Kafka exactly once");
      }
      Eventually.await(Duration.ofSeconds(60), "intake recovers by itself", () -> {
        try {
          return client.send(order(app.port(), UUID.randomUUID().toString(), sku), HttpResponse.BodyHandlers.ofString())
              .statusCode();
        } catch (Exception e) {
          return -1;
        }
      }, s -> s == 202);
    } finally {
      app.stop().await();
      if (restarted != null) {
        restarted.close();
      }
      kafka.close();
    }
  }

  @Test
  void aGatewayWhoseOrderTopicsHoldOnlyExpiredOrdersBecomesReady() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka-old"), 0, 0);
    Topics.all().forEach(t -> kafka.createTopic(t.name(), t.partitions(), t.compacted()));
    long twoHoursAgo = System.currentTimeMillis() - 2 * 3_600_000L;
    try (KafkaProducer<String, byte[]> p = producer(kafka.bootstrapServers())) {
      for (int partition = 0; partition < 3; partition++) {
        // An order accepted two hours ago: older than the 60-minute reservation window, so the
        // reservation feeds start past it, and must still count as in sync.
        p.send(new ProducerRecord<>(Topics.ORDERS_ACCEPTED, partition, twoHoursAgo, "old-" + partition,
            "not even an order".getBytes(java.nio.charset.StandardCharsets.UTF_8))).get();
      }
    }
    Map<String, String> env = isolated();
    env.put("TIDEGATE_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    GatewayApp app = GatewayApp.start(TestStack.get().config(env)).await();
    try {
      Http http = new Http(app.port());
      Eventually.await(Duration.ofSeconds(40), "ready with only expired orders on the order topics",
          () -> http.get("/health/ready").status(), s -> s == 200);
    } finally {
      app.stop().await();
      kafka.close();
    }
  }

  @Test
  void aGatewayThatDiesWhileDrainingLeavesTheRestToTheNextInstanceWithoutLossOrDuplicates() throws Exception {
    Vertx erpVertx = Vertx.vertx();
    ErpSimulator erp = erpSimulator(erpVertx, o -> o.withLatencyMs(5).withRatePerSecond(1000));
    Map<String, String> env = postingTo(erp, 10, 2);
    GatewayApp first = GatewayApp.start(TestStack.get().config(env)).await();
    GatewayApp second = null;
    try {
      Http http = new Http(first.port());
      String sku = stockedSku(http, "DRAIN");
      List<String> ids = placeOrders(http, sku, "C-9", 30);
      Http sim = new Http(erp.actualPort());
      Eventually.await(Duration.ofSeconds(30), "the drain has started", () -> ours(sim, ids).size(), n -> n >= 3);
      // The instance dies: Vert.x goes down without the gateway's graceful stop (no drain, no flush).
      first.vertx().close().await();
      assertTrue(ours(sim, ids).size() < ids.size(), "the drain was cut short");

      second = GatewayApp.start(TestStack.get().config(env)).await();
      Eventually.await(Duration.ofSeconds(90), "every order in the ERP", () -> ours(sim, ids).size(),
          n -> n == ids.size());
      JsonArray erpOrders = ours(sim, ids);
      Set<String> erpNumbers = new HashSet<>();
      for (Object o : erpOrders) {
        erpNumbers.add(((JsonObject) o).getString("erpOrderNumber"));
      }
      assertEquals(ids.size(), erpNumbers.size(), "one ERP order per accepted order");
      Http after = new Http(second.port());
      for (String id : ids) {
        Eventually.await(Duration.ofSeconds(30), id + " SUBMITTED",
            () -> after.get("/v1/orders/" + id, "X-Api-Key", MARKETPLACE).json().getString("status"),
            s -> !"ACCEPTED".equals(s));
      }
    } finally {
      if (second != null) {
        second.stop().await();
      }
      erpVertx.close().await();
    }
  }

  @Test
  void aSlowErpNeverHasMoreThanTheConfiguredConcurrencyOfPostsInFlight() throws Exception {
    Vertx erpVertx = Vertx.vertx();
    // Slow answers and no rate limit to speak of: only erp.concurrency bounds the calls in flight.
    ErpSimulator erp = erpSimulator(erpVertx, o -> o.withLatencyMs(150).withRatePerSecond(1000));
    Map<String, String> env = postingTo(erp, 1000, 3);
    GatewayApp app = GatewayApp.start(TestStack.get().config(env)).await();
    try {
      Http http = new Http(app.port());
      String sku = stockedSku(http, "SLOW");
      List<String> ids = placeOrders(http, sku, "C-9", 24);
      Http sim = new Http(erp.actualPort());
      Eventually.await(Duration.ofSeconds(120), "every order in the ERP", () -> ours(sim, ids).size(),
          n -> n == ids.size());
      JsonObject stats = sim.get("/sim/stats").json();
      assertEquals(3, stats.getInteger("maxPostsInFlight"), "ERP calls in flight at most, and at best: " + stats);
    } finally {
      app.stop().await();
      erpVertx.close().await();
    }
  }

  @Test
  void anErpThatAnswers429IsDrainedAtItsPaceWithoutLosingOrMultiplyingOrders() throws Exception {
    Vertx erpVertx = Vertx.vertx();
    // The ERP takes 5 orders/s and says 429 + Retry-After beyond; the gateway would post 100/s. It is
    // down (503) while the orders arrive, so that they all reach it at once when it comes back.
    ErpSimulator erp = erpSimulator(erpVertx, o -> o.withLatencyMs(2).withRatePerSecond(5).withDown(true));
    Map<String, String> env = postingTo(erp, 100, 8);
    env.put("TIDEGATE_ERP_MAX_ATTEMPTS", "2");
    env.put("TIDEGATE_ERP_BACKOFF_MAX_MS", "300");
    env.put("TIDEGATE_ERP_BREAKER_RESET_MS", "300");
    GatewayApp app = GatewayApp.start(TestStack.get().config(env)).await();
    try {
      Http http = new Http(app.port());
      String sku = stockedSku(http, "STORM");
      List<String> ids = placeOrders(http, sku, "C-7", 20);
      Http sim = new Http(erp.actualPort());
      // The ERP was down while the orders came in; now it is back and they all want in at once.
      Http.Answer up = sim.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + erp.actualPort()
          + "/sim/config")).header("Content-Type", "application/json")
          .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"down\":false}")));
      assertEquals(200, up.status(), up.body());
      Eventually.await(Duration.ofSeconds(60), "all 20 orders in the ERP", () -> ours(sim, ids).size(), n -> n == 20);
      JsonObject stats = sim.get("/sim/stats").json();
      assertTrue(stats.getLong("rejected429") > 0, "the ERP did push back: " + stats);
      assertTrue(stats.getLong("rejected429") <= 40, "Retry-After was obeyed, not hammered: " + stats);
      assertEquals(0, stats.getLong("duplicatesCreated"), stats.encode());
      for (String id : ids) {
        Eventually.await(Duration.ofSeconds(30), id + " SUBMITTED, none FAILED for a 429",
            () -> http.get("/v1/orders/" + id, "X-Api-Key", MARKETPLACE).json().getString("status"),
            s -> "SUBMITTED".equals(s) || "BOOKED".equals(s));
      }
    } finally {
      app.stop().await();
      erpVertx.close().await();
    }
  }

  /**
   * An ERP simulator on a free port, without jitter and with immediate status progression, that
   * publishes its status events to the test broker; {@code tune} sets the rest.
   */
  private static ErpSimulator erpSimulator(Vertx erpVertx,
                                           java.util.function.UnaryOperator<ErpSimulatorOptions> tune) {
    KafkaStatusSink sink = KafkaStatusSink.create(erpVertx, TestStack.get().kafka().bootstrapServers());
    return ErpSimulator.start(erpVertx, tune.apply(ErpSimulatorOptions.defaults().withPort(0).withJitterMs(0)
        .withProgressionStepMs(0)), sink).await();
  }

  /** {@link #isolated()}, posting to {@code erp} at {@code rate} per second (no burst), {@code concurrency} in flight. */
  private static Map<String, String> postingTo(ErpSimulator erp, int rate, int concurrency) {
    Map<String, String> env = isolated();
    env.put("TIDEGATE_ERP_BASE_URL", "http://127.0.0.1:" + erp.actualPort());
    env.put("TIDEGATE_ERP_RATE_PER_SECOND", Integer.toString(rate));
    env.put("TIDEGATE_ERP_CONCURRENCY", Integer.toString(concurrency));
    env.put("TIDEGATE_ERP_BURST", "1"); // evenly spaced: these tests count on the pace, not on catching up
    return env;
  }

  /** {@code count} orders of one unit of {@code sku} by the marketplace, each answered 202; their ids. */
  private static List<String> placeOrders(Http http, String sku, String customer, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Http.Answer a = http.post("/v1/orders", "application/json", OrdersTest.body(null, customer, sku, 1).encode(),
          "X-Api-Key", MARKETPLACE, "Idempotency-Key", UUID.randomUUID().toString());
      assertEquals(202, a.status(), a.body());
      ids.add(a.json().getString("orderId"));
    }
    return ids;
  }

  /** Environment for a gateway of its own: fresh consumer groups, no throttles in the way. */
  private static Map<String, String> isolated() {
    Map<String, String> env = new HashMap<>();
    env.put("TIDEGATE_ERP_POSTER_GROUP", "poster-" + UUID.randomUUID());
    env.put("TIDEGATE_ORDERS_STATUS_GROUP", "status-" + UUID.randomUUID());
    env.put("TIDEGATE_THROTTLING_ENABLED", "false");
    return env;
  }

  /** A new SKU with plenty of stock at DC1 on the shared broker, once the gateway knows it. */
  private static String stockedSku(Http http, String prefix) throws Exception {
    String sku = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    InventoryFeedTest.publish(InventoryFeedTest.position(sku, "DC1", 1, 1_000_000, 0, 0, 0));
    Eventually.await(Duration.ofSeconds(30), sku + " known",
        () -> http.get("/v1/atp/" + sku, "X-Api-Key", MARKETPLACE).status(), s -> s == 200);
    return sku;
  }

  private static JsonArray ours(Http sim, List<String> ids) {
    JsonArray out = new JsonArray();
    for (Object o : new JsonArray(sim.get("/sim/orders").body())) {
      if (ids.contains(((JsonObject) o).getString("orderId"))) {
        out.add(o);
      }
    }
    return out;
  }

  private static HttpRequest order(int port, String key, String sku) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/orders"))
        .timeout(Duration.ofSeconds(15))
        .header("Content-Type", "application/json").header("X-Api-Key", MARKETPLACE).header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString(OrdersTest.body(null, "C-8", sku, 1).encode())).build();
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /** orderId -> how many records of orders.accepted.v1 carry it. */
  private static Map<String, Integer> acceptedOrders(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("enable.auto.commit", "false");
    Map<String, Integer> counts = new HashMap<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(Topics.ORDERS_ACCEPTED, Duration.ofSeconds(30)).stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
          counts.merge(r.key(), 1, Integer::sum);
        }
      }
    }
    return counts;
  }
}
