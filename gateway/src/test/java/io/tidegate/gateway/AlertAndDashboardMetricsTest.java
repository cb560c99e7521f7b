package io.tidegate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every metric the alert rules and the Grafana dashboard query is one the gateway really exports,
 * with the labels the queries match on and aggregate by. A renamed metric or label would otherwise
 * leave an alert that can never fire and a panel that shows "No data".
 *
 * <p>Some meters only exist after their first event, so two gateways on the shared test stack
 * make those events happen: a healthy one (ATP, a quote, an order replayed and posted to the ERP
 * simulator) and one in trouble (its producer refuses every record, its throttle file gets broken).
 */
class AlertAndDashboardMetricsTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String KEY = "X-Api-Key";
  private static final String WEBSHOP = "dev-webshop-key";
  private static Vertx erpVertx;
  private static ErpSimulator erp;
  private static GatewayApp healthy;
  private static GatewayApp troubled;
  private static Http healthyHttp;
  private static Http troubledHttp;
  private static Path throttleFile;

  @BeforeAll
  static void start() throws Exception {
    erpVertx = Vertx.vertx();
    erp = ErpSimulator.start(erpVertx, ErpSimulatorOptions.defaults().withPort(0).withLatencyMs(5).withJitterMs(0)
            .withRatePerSecond(1000).withProgressionStepMs(200),
        KafkaStatusSink.create(erpVertx, TestStack.get().kafka().bootstrapServers())).await();
    Map<String, String> env = isolated();
    env.put("TIDEGATE_ERP_BASE_URL", "http://127.0.0.1:" + erp.actualPort());
    healthy = GatewayApp.start(TestStack.get().config(env)).await();
    healthyHttp = new Http(healthy.port());
    RunningGateway.awaitReady(healthyHttp);

    // The instance in trouble: a producer that refuses every record (max.request.size of 1 byte),
    // an ERP nobody listens on, and a throttle file of its own that the test breaks later.
    Path dir = Files.createTempDirectory("tidegate-metrics-test");
    throttleFile = dir.resolve("throttles.yaml");
    Files.copy(TestStack.repoConfig().resolveSibling("throttles.yaml"), throttleFile);
    Path config = dir.resolve("tidegate.yaml");
    String repoConfig = Files.readString(TestStack.repoConfig());
    String broken = repoConfig.replaceFirst("properties: \\{}", "properties: {max.request.size: \"1\"}");
    assertTrue(!broken.equals(repoConfig), "config/tidegate.yaml has no 'properties: {}' under kafka any more");
    Files.writeString(config, broken);
    Map<String, String> troubledEnv = TestStack.get().env();
    troubledEnv.putAll(isolated());
    troubledEnv.put("TIDEGATE_ERP_BASE_URL", "http://127.0.0.1:1");
    troubledEnv.put("TIDEGATE_THROTTLING_FILE", throttleFile.toString());
    troubledEnv.put("TIDEGATE_THROTTLING_RELOAD_INTERVAL_MS", "200");
    troubled = GatewayApp.start(ConfigLoader.load(config, troubledEnv)).await();
    troubledHttp = new Http(troubled.port());
  }

  @AfterAll
  static void stop() {
    troubled.stop().await();
    healthy.stop().await();
    erpVertx.close().await();
  }

  @Test
  void everyMetricAndLabelTheAlertsAndTheDashboardUseIsExported() throws Exception {
    Map<String, String> queries = PromQueries.all();
    exerciseTheHealthyGateway();
    exerciseTheTroubledGateway();

    // Meters of asynchronous work (status events, the ERP post) appear a little later: poll.
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    List<String> problems = problems(queries, scrapeBoth(), Map.of());
    while (!problems.isEmpty() && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(500_000_000L);
      problems = problems(queries, scrapeBoth(), Map.of());
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
    List<String> shortBuckets = bucketsTooShort(PromQueries.alertExpressions(), String.join("\n", scrapeTexts()),
        Set.of());
    assertTrue(shortBuckets.isEmpty(), String.join("\n", shortBuckets));

    Set<String> used = new TreeSet<>();
    queries.values().forEach(q -> used.addAll(PromQueries.metricNames(q)));
    assertTrue(used.size() >= 40, "the rules and the dashboard refer to " + used.size() + " metrics: " + used);
  }

  /** Everything a query refers to that /metrics does not have, and pending entries that now exist. */
  static List<String> problems(Map<String, String> queries, Map<String, Set<String>> exported,
                                Map<String, Set<String>> pending) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> q : queries.entrySet()) {
      Set<String> labelsOfQuery = new TreeSet<>();
      for (String name : PromQueries.metricNames(q.getValue())) {
        Set<String> labels = labels(name, exported, pending);
        if (labels == null) {
          problems.add(q.getKey() + ": metric " + name + " is not exported");
          continue;
        }
        labelsOfQuery.addAll(labels);
      }
      PromQueries.matchedLabels(q.getValue()).forEach((name, matched) -> {
        Set<String> labels = labels(name, exported, pending);
        if (labels != null && !labels.containsAll(matched)) {
          problems.add(q.getKey() + ": " + name + " matches on " + matched + " but has only " + labels);
        }
      });
      if (!labelsOfQuery.isEmpty() || !PromQueries.metricNames(q.getValue()).isEmpty()) {
        for (String grouping : PromQueries.groupingLabels(q.getValue())) {
          if (!labelsOfQuery.contains(grouping)) {
            problems.add(q.getKey() + ": aggregates by '" + grouping + "', a label none of its metrics has");
          }
        }
      }
    }
    for (String name : pending.keySet()) {
      if (exported.containsKey(name) || exported.containsKey(name + "_bucket")) {
        problems.add(name + " is exported now: delete it from the pending list");
      }
    }
    return problems;
  }

  /** Alerts on a quantile above the largest bucket of their histogram, and listed exceptions that are fixed. */
  static List<String> bucketsTooShort(Map<String, String> alerts, String exposition, Set<String> knownShort) {
    List<String> problems = new ArrayList<>();
    Set<String> stillShort = new TreeSet<>();
    alerts.forEach((alert, expr) -> PromQueries.quantileThresholds(expr).forEach((bucket, threshold) -> {
      double largest = PromQueries.largestFiniteBucket(exposition, bucket);
      if (Double.isNaN(largest) || largest > threshold) {
        return; // not exported yet (reported elsewhere), or measurable
      }
      stillShort.add(bucket);
      if (!knownShort.contains(bucket)) {
        problems.add(alert + ": fires above " + threshold + " but " + bucket + " ends at le=" + largest);
      }
    }));
    for (String bucket : knownShort) {
      if (!stillShort.contains(bucket)) {
        problems.add(bucket + " reaches every alert threshold now: delete it from the pending list");
      }
    }
    return problems;
  }

  /**
   * The labels of a sample name the queries use, or null if it is neither exported nor pending. A
   * reference is the exact sample name ({@code x_bucket}, {@code x_count}, {@code x_total}); a
   * pending histogram is listed by its family name.
   */
  private static Set<String> labels(String name, Map<String, Set<String>> exported,
                                    Map<String, Set<String>> pending) {
    if (exported.containsKey(name)) {
      return exported.get(name);
    }
    if (pending.containsKey(name)) {
      return pending.get(name);
    }
    for (String suffix : List.of("_bucket", "_sum", "_count")) {
      String family = name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : null;
      if (family != null && pending.containsKey(family)) {
        Set<String> labels = new TreeSet<>(pending.get(family));
        if (suffix.equals("_bucket")) {
          labels.add("le");
        }
        return labels;
      }
    }
    return null;
  }

  /** An ATP read and check, a quote, an order and its replay, posted to the ERP. */
  private static void exerciseTheHealthyGateway() throws Exception {
    Http http = healthyHttp;
    String sku = stockedSku(http);
    assertEquals(200, http.get("/v1/atp/" + sku, KEY, WEBSHOP).status());
    JsonObject line = new JsonObject().put("sku", sku).put("quantity", 1);
    assertEquals(200, http.post("/v1/atp:check", "application/json",
        new JsonObject().put("lines", new JsonArray().add(line)).encode(), KEY, WEBSHOP).status());
    Answer quote = http.post("/v1/prices:quote", "application/json",
        new JsonObject().put("currency", "EUR").put("lines", new JsonArray().add(line)).encode(), KEY, WEBSHOP);
    assertTrue(quote.status() / 100 == 2, quote.body());

    String idempotencyKey = UUID.randomUUID().toString();
    String order = OrdersTest.body(null, "C-METRICS", sku, 1).encode();
    Answer accepted = http.post("/v1/orders", "application/json", order, KEY, WEBSHOP, "Idempotency-Key", idempotencyKey);
    assertEquals(202, accepted.status(), accepted.body());
    Answer replayed = http.post("/v1/orders", "application/json", order, KEY, WEBSHOP, "Idempotency-Key", idempotencyKey);
    assertEquals("true", replayed.header("Idempotent-Replayed"), replayed.body());
    String orderId = accepted.json().getString("orderId");
    Eventually.await(DEADLINE, orderId + " posted to the ERP",
        () -> http.get("/v1/orders/" + orderId, KEY, WEBSHOP).json().getString("status"),
        s -> !"ACCEPTED".equals(s));
  }

  /** An order Kafka refuses (503) and a throttle file edit that does not parse. */
  private static void exerciseTheTroubledGateway() throws Exception {
    Http http = troubledHttp;
    String sku = stockedSku(http);
    Answer refused = http.post("/v1/orders", "application/json", OrdersTest.body(null, "C-METRICS", sku, 1).encode(),
        KEY, WEBSHOP, "Idempotency-Key", UUID.randomUUID().toString());
    assertEquals(503, refused.status(), refused.body());
    Files.writeString(throttleFile, "defaults: [this is not a throttle file\n");
  }

  private static String stockedSku(Http http) throws Exception {
    String sku = "MET-" + UUID.randomUUID().toString().substring(0, 8);
    InventoryFeedTest.publish(InventoryFeedTest.position(sku, "DC1", 1, 1_000, 0, 0, 0));
    Eventually.await(DEADLINE, sku + " known", () -> http.get("/v1/atp/" + sku, KEY, WEBSHOP).status(), s -> s == 200);
    return sku;
  }

  /** Sample name -> labels, over both gateways' /metrics. */
  private static Map<String, Set<String>> scrapeBoth() {
    Map<String, Set<String>> all = new TreeMap<>();
    for (String text : scrapeTexts()) {
      PromQueries.exposition(text).forEach((name, labels) ->
          all.computeIfAbsent(name, k -> new TreeSet<>()).addAll(labels));
    }
    return all;
  }

  private static List<String> scrapeTexts() {
    List<String> texts = new ArrayList<>();
    for (Http http : List.of(healthyHttp, troubledHttp)) {
      Answer metrics = http.get("/metrics");
      assertEquals(200, metrics.status());
      texts.add(metrics.body());
    }
    return texts;
  }

  private static Map<String, String> isolated() {
    Map<String, String> env = new HashMap<>();
    env.put("TIDEGATE_ERP_POSTER_GROUP", "poster-" + UUID.randomUUID());
    env.put("TIDEGATE_ORDERS_STATUS_GROUP", "status-" + UUID.randomUUID());
    return env;
  }
}
