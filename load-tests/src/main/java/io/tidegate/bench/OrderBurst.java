package io.tidegate.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A burst of orders, then a reconciliation: the orders the gateway acknowledged with {@code 202}
 * against the records on {@code orders.accepted.v1} and the orders the ERP simulator holds.
 *
 * <pre>
 * java -cp ... io.tidegate.bench.OrderBurst --url http://127.0.0.1:8080 --count 300 --concurrency 16 \
 *     --channel-key dev-webshop-key --kafka 127.0.0.1:9092 --erp http://127.0.0.1:8090 --drain-timeout 120
 * </pre>
 *
 * <p>Every order gets its own {@code Idempotency-Key} ({@code <run id>-<n>}) and {@code externalId}.
 * A request answered {@code 503} or {@code 409}, timed out, or refused at the socket is sent again,
 * like a real client would, with the same key and the same bytes, up to {@code --retries} times
 * ({@code Retry-After} honoured, capped at 5 s). Every other answer is final.
 *
 * <p>Then it waits until the simulator holds every 202'd order (or {@code --drain-timeout}), reads
 * {@code orders.accepted.v1} from the beginning with a plain consumer (partitions assigned, no
 * group, nothing committed), reads the simulator's ledger ({@code GET /sim/orders}, then
 * {@code GET /orders/{orderId}} of every order new since the start, for its idempotency key), and
 * reads the status API. It prints one summary ending in {@code lost=X duplicated=Y}:
 * <ul>
 *   <li>lost: 202'd orders missing from Kafka or from the ERP after the drain;</li>
 *   <li>duplicated: ERP orders beyond the first for one (channel, Idempotency-Key), plus orders
 *       the simulator says it created twice for one orderId ({@code duplicatesCreated}), plus,
 *       with {@code --exclusive-erp} (the simulator serves only this run), ERP orders that were
 *       never requested.</li>
 * </ul>
 * Exit code 0 only when both are 0; 1 otherwise; 2 for bad arguments or an unreachable target.
 * The figures also go to {@code <results>/<timestamp>-reconcile.json}.
 */
public final class OrderBurst {

  private static final Pattern LOOPBACK_URL = Pattern.compile("^http://(127\\.0\\.0\\.1|localhost):\\d{1,5}$");
  private static final Pattern LOOPBACK_HOSTPORT = Pattern.compile("^(127\\.0\\.0\\.1|localhost):\\d{1,5}$");
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);
  private static final long MAX_RETRY_AFTER_MS = 5_000;

  // ------------------------------------------------------------------------------------------
  // options

  record Options(String url, int count, int concurrency, String channelKey, String kafka, String erp,
                 int drainTimeoutSeconds, int retries, int requestTimeoutMs, String topic, Path results,
                 String runId, boolean exclusiveErp, boolean checkStatus, String skuFormat, int skus,
                 String customerId) {

    static Options parse(String[] args) {
      Map<String, String> a = new HashMap<>();
      Set<String> flags = new HashSet<>();
      for (int i = 0; i < args.length; i++) {
        String name = args[i];
        if (name.equals("--exclusive-erp") || name.equals("--no-status")) {
          flags.add(name);
          continue;
        }
        if (!name.startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("expected --name value pairs, got '" + name + "'");
        }
        a.put(name.substring(2), args[++i]);
      }
      Set<String> known = Set.of("url", "count", "concurrency", "channel-key", "kafka", "erp", "drain-timeout",
          "retries", "request-timeout-ms", "topic", "results", "run-id", "sku-format", "skus", "customer-id");
      for (String k : a.keySet()) {
        if (!known.contains(k)) {
          throw new IllegalArgumentException("unknown option --" + k + " (known: " + new java.util.TreeSet<>(known)
              + ", --exclusive-erp, --no-status)");
        }
      }
      String url = a.getOrDefault("url", "http://127.0.0.1:8080").replaceAll("/+$", "");
      String erp = a.getOrDefault("erp", "http://127.0.0.1:8090").replaceAll("/+$", "");
      String kafka = a.getOrDefault("kafka", "127.0.0.1:9092");
      if (!LOOPBACK_URL.matcher(url).matches()) {
        throw new IllegalArgumentException("--url must be http://127.0.0.1:<port>, was '" + url + "'");
      }
      if (!LOOPBACK_URL.matcher(erp).matches()) {
        throw new IllegalArgumentException("--erp must be http://127.0.0.1:<port>, was '" + erp + "'");
      }
      if (!LOOPBACK_HOSTPORT.matcher(kafka).matches()) {
        throw new IllegalArgumentException("--kafka must be 127.0.0.1:<port>, was '" + kafka + "'");
      }
      String runId = a.getOrDefault("run-id", "recon-" + STAMP.format(Instant.now()) + "-"
          + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff)));
      return new Options(url,
          positive(a, "count", 300, 1_000_000),
          positive(a, "concurrency", 16, 1024),
          a.getOrDefault("channel-key", "dev-webshop-key"),
          kafka, erp,
          positive(a, "drain-timeout", 120, 3600),
          nonNegative(a, "retries", 4, 100),
          positive(a, "request-timeout-ms", 10_000, 600_000),
          a.getOrDefault("topic", "orders.accepted.v1"),
          Path.of(a.getOrDefault("results", "load-tests/results")),
          runId,
          flags.contains("--exclusive-erp"),
          !flags.contains("--no-status"),
          a.getOrDefault("sku-format", "SKU-%04d"),
          positive(a, "skus", 1000, 1_000_000),
          a.getOrDefault("customer-id", "C-1001"));
    }

    private static int positive(Map<String, String> a, String name, int dflt, int max) {
      int v = nonNegative(a, name, dflt, max);
      if (v < 1) {
        throw new IllegalArgumentException("--" + name + " must be at least 1");
      }
      return v;
    }

    private static int nonNegative(Map<String, String> a, String name, int dflt, int max) {
      String raw = a.get(name);
      if (raw == null) {
        return dflt;
      }
      try {
        int v = Integer.parseInt(raw.trim());
        if (v < 0 || v > max) {
          throw new IllegalArgumentException("--" + name + " must be in 0.." + max + ", was " + raw);
        }
        return v;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--" + name + " must be an integer, was '" + raw + "'");
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // one order request and what became of it

  static final class Request {
    final int index;
    final String key;
    final String body;
    final List<String> attempts = new ArrayList<>();
    volatile String outcome;     // final: "202", "422 VALIDATION_FAILED", "timeout", ...
    volatile String orderId;     // from the 202
    volatile boolean replayed;   // the 202 carried Idempotent-Replayed: true

    Request(int index, String key, String body) {
      this.index = index;
      this.key = key;
      this.body = body;
    }

    boolean retried() {
      return attempts.size() > 1;
    }
  }

  private final Options o;
  private final HttpClient http;

  private OrderBurst(Options o) {
    this.o = o;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(3)).build();
  }

  public static void main(String[] args) {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("order-burst: " + e.getMessage());
      System.exit(2);
      return;
    }
    int rc;
    try {
      rc = new OrderBurst(o).run();
    } catch (Unreachable e) {
      System.err.println("order-burst: " + e.getMessage());
      rc = 2;
    } catch (Exception e) {
      System.err.println("order-burst: failed: " + e);
      e.printStackTrace();
      rc = 2;
    }
    System.exit(rc);
  }

  static final class Unreachable extends RuntimeException {
    Unreachable(String message) {
      super(message);
    }
  }

  private static void say(String line) {
    System.out.println("order-burst: " + line);
    System.out.flush();
  }

  // ------------------------------------------------------------------------------------------

  private int run() throws Exception {
    Instant startedAt = Instant.now();
    say("run " + o.runId + ": " + o.count + " orders to " + o.url + " (concurrency " + o.concurrency + ", retries "
        + o.retries + "), ERP " + o.erp + ", Kafka " + o.kafka);

    // the ERP's state before the run: orders already there are not this run's
    Set<String> erpBefore = new HashSet<>();
    for (Object e : simOrders()) {
      erpBefore.add(((JsonObject) e).getString("orderId"));
    }
    long duplicatesCreatedBefore = simStats().getLong("duplicatesCreated", 0L);

    // 1. the burst
    List<Request> requests = new ArrayList<>(o.count);
    for (int i = 0; i < o.count; i++) {
      requests.add(new Request(i, o.runId + "-" + i, body(i)));
    }
    long t0 = System.nanoTime();
    burst(requests);
    double burstSeconds = (System.nanoTime() - t0) / 1e9;

    Map<String, Request> acceptedById = new LinkedHashMap<>();
    Map<String, Integer> outcomes = new TreeMap<>();
    int attempts = 0;
    int retried = 0;
    int replayed = 0;
    for (Request r : requests) {
      outcomes.merge(r.outcome, 1, Integer::sum);
      attempts += r.attempts.size();
      retried += r.retried() ? 1 : 0;
      if (r.orderId != null) {
        replayed += r.replayed ? 1 : 0;
        Request other = acceptedById.putIfAbsent(r.orderId, r);
        if (other != null) {
          say("WARNING: keys " + other.key + " and " + r.key + " were both answered with orderId " + r.orderId);
        }
      }
    }
    int accepted202 = (int) requests.stream().filter(r -> r.orderId != null).count();
    say(String.format(Locale.ROOT, "burst done in %.2f s (%.0f requests/s): %s, attempts=%d, retried=%d",
        burstSeconds, o.count / burstSeconds, outcomes, attempts, retried));

    // 2. the drain: every 202'd order in the ERP, or the time-out
    long d0 = System.nanoTime();
    long drainDeadline = d0 + o.drainTimeoutSeconds * 1_000_000_000L;
    Set<String> inErpNow = Set.of();
    long lastReport = 0;
    boolean drained = false;
    while (true) {
      try {
        inErpNow = new HashSet<>();
        for (Object e : simOrders()) {
          inErpNow.add(((JsonObject) e).getString("orderId"));
        }
      } catch (Unreachable e) {
        say("drain: ERP simulator not answering (" + e.getMessage() + ")");
      }
      int have = 0;
      for (String id : acceptedById.keySet()) {
        have += inErpNow.contains(id) ? 1 : 0;
      }
      if (have == acceptedById.size()) {
        drained = true;
        break;
      }
      long now = System.nanoTime();
      if (now - lastReport > 5_000_000_000L) {
        say(String.format(Locale.ROOT, "drain: %d of %d accepted orders in the ERP after %.0f s", have,
            acceptedById.size(), (now - d0) / 1e9));
        lastReport = now;
      }
      if (now > drainDeadline) {
        say("drain: timed out after " + o.drainTimeoutSeconds + " s with " + have + " of " + acceptedById.size());
        break;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    double drainSeconds = (System.nanoTime() - d0) / 1e9;
    if (drained) {
      say(String.format(Locale.ROOT, "drain: all %d accepted orders in the ERP %.1f s after the burst (%.1f orders/s)",
          acceptedById.size(), drainSeconds, acceptedById.size() / Math.max(0.001, drainSeconds)));
    }
    // the gateway must be back (after a kill) before its topic and status store are read
    waitReady(Duration.ofSeconds(120));
    TimeUnit.SECONDS.sleep(2); // late re-posts of a restarted poster show up in the posts count

    // 3. Kafka
    Set<String> ourKeys = new HashSet<>();
    requests.forEach(r -> ourKeys.add(r.key));
    Map<String, Request> requestByKey = new HashMap<>();
    requests.forEach(r -> requestByKey.put(r.key, r));
    KafkaView kafka;
    String kafkaProblem = null;
    try {
      kafka = readKafka(acceptedById.keySet(), o.runId + "-");
    } catch (RuntimeException e) {
      kafkaProblem = e.toString();
      say("Kafka: could not read " + o.topic + " at " + o.kafka + ": " + e);
      kafka = new KafkaView();
    }

    // 4. the ERP's ledger
    JsonArray ledger = simOrders();
    long duplicatesCreated = simStats().getLong("duplicatesCreated", 0L) - duplicatesCreatedBefore;
    List<JsonObject> newErp = new ArrayList<>();
    for (Object e : ledger) {
      JsonObject j = (JsonObject) e;
      if (!erpBefore.contains(j.getString("orderId"))) {
        newErp.add(j);
      }
    }
    Map<String, JsonObject> details = erpDetails(newErp);

    Set<String> inErp = new HashSet<>();
    long erpPostsOfAccepted = 0;
    int erpRejected = 0;
    Map<String, List<String>> erpOrdersByKey = new TreeMap<>();
    List<String> erpUnacknowledged = new ArrayList<>();   // requested by this run, never 202'd
    List<String> erpForeign = new ArrayList<>();          // never requested by this run
    Map<String, String> erpNumberById = new HashMap<>();
    for (JsonObject j : newErp) {
      String id = j.getString("orderId");
      inErp.add(id);
      erpNumberById.put(id, j.getString("erpOrderNumber"));
      if ("REJECTED".equals(j.getString("status"))) {
        erpRejected++;
      }
      JsonObject order = details.get(id);
      String key = order == null ? null : order.getString("idempotencyKey");
      String channel = order == null ? null : order.getString("channel");
      if (acceptedById.containsKey(id)) {
        erpPostsOfAccepted += j.getLong("posts", 0L);
        if (key == null) {
          key = acceptedById.get(id).key;
        }
      }
      if (key != null && ourKeys.contains(key)) {
        erpOrdersByKey.computeIfAbsent(channel + "/" + key, k -> new ArrayList<>()).add(id);
        if (!acceptedById.containsKey(id)) {
          erpUnacknowledged.add(id + " (key " + key + ", last answer " + requestByKey.get(key).outcome + ")");
        }
      } else if (!acceptedById.containsKey(id)) {
        erpForeign.add(id + (key == null ? "" : " (key " + key + ")"));
      }
    }
    List<String> duplicateKeys = new ArrayList<>();
    int duplicatedPerKey = 0;
    for (Map.Entry<String, List<String>> e : erpOrdersByKey.entrySet()) {
      if (e.getValue().size() > 1) {
        duplicatedPerKey += e.getValue().size() - 1;
        duplicateKeys.add(e.getKey() + " -> " + e.getValue());
      }
    }

    // 5. the status API (informative: not part of the verdict)
    Map<String, Integer> statuses = new TreeMap<>();
    List<String> erpNumberMismatches = new ArrayList<>();
    if (o.checkStatus) {
      statusApi(acceptedById.keySet(), erpNumberById, statuses, erpNumberMismatches);
    }

    // 6. the verdict
    Set<String> lostKafka = new LinkedHashSet<>();
    Set<String> lostErp = new LinkedHashSet<>();
    for (String id : acceptedById.keySet()) {
      if (kafkaProblem == null && !kafka.countById.containsKey(id)) {
        lostKafka.add(id);
      }
      if (!inErp.contains(id)) {
        lostErp.add(id);
      }
    }
    Set<String> lost = new LinkedHashSet<>(lostKafka);
    lost.addAll(lostErp);
    int duplicated = duplicatedPerKey + (int) Math.max(0, duplicatesCreated)
        + (o.exclusiveErp ? erpForeign.size() : 0);

    int kafkaDuplicates = 0;
    int kafkaDuplicatesUnretried = 0;
    List<String> kafkaDuplicateIds = new ArrayList<>();
    for (Map.Entry<String, Integer> e : kafka.countById.entrySet()) {
      if (e.getValue() > 1) {
        kafkaDuplicates += e.getValue() - 1;
        Request r = acceptedById.get(e.getKey());
        String key = kafka.keyById.get(e.getKey());
        Request byKey = key == null ? null : requestByKey.get(key);
        boolean explained = (r != null && r.retried()) || (byKey != null && byKey.retried());
        if (!explained) {
          kafkaDuplicatesUnretried += e.getValue() - 1;
        }
        kafkaDuplicateIds.add(e.getKey() + " x" + e.getValue() + (explained ? " (retried request)" : " (NOT retried)"));
      }
    }
    List<String> kafkaUnacknowledged = new ArrayList<>();
    for (String id : kafka.countById.keySet()) {
      if (!acceptedById.containsKey(id)) {
        kafkaUnacknowledged.add(id + " (key " + kafka.keyById.get(id) + ")");
      }
    }

    // 7. the summary
    List<String> out = new ArrayList<>();
    out.add("");
    out.add("reconcile " + o.runId + ": " + o.count + " orders to " + o.url + ", concurrency " + o.concurrency
        + ", retries " + o.retries);
    out.add(String.format(Locale.ROOT, "burst        %.2f s (%.0f requests/s), attempts=%d, retried requests=%d",
        burstSeconds, o.count / burstSeconds, attempts, retried));
    out.add("accepted(202)=" + accepted202 + " (distinct orderIds " + acceptedById.size() + ", Idempotent-Replayed "
        + replayed + ")");
    Map<String, Integer> other = new TreeMap<>(outcomes);
    other.remove("202");
    out.add("other outcomes: " + (other.isEmpty() ? "none" : other));
    out.add(String.format(Locale.ROOT, "drain        %s after %.1f s (timeout %d s)",
        drained ? "complete" : "INCOMPLETE", drainSeconds, o.drainTimeoutSeconds));
    if (kafkaProblem != null) {
      out.add("kafka        NOT READ (" + kafkaProblem + "): lost below counts the ERP only");
    }
    out.add("kafka        records of this run=" + kafka.records + " in_kafka_distinct=" + kafka.countById.size()
        + " kafka_duplicates=" + kafkaDuplicates + " (of requests never retried: " + kafkaDuplicatesUnretried
        + ") kafka_unacknowledged=" + kafkaUnacknowledged.size() + " (topic records read: " + kafka.totalRecords + ")");
    out.add("erp          in_erp=" + inErp.size() + " (of the 202'd: " + (acceptedById.size() - lostErp.size())
        + ") erp_posts=" + erpPostsOfAccepted + " erp_rejected=" + erpRejected + " erp_unacknowledged="
        + erpUnacknowledged.size() + " erp_never_requested=" + erpForeign.size()
        + " erp_orders_per_key>1=" + duplicateKeys.size() + " sim duplicatesCreated=+" + duplicatesCreated);
    if (o.checkStatus) {
      out.add("status api   " + statuses + ", erpOrderNumber differing from the ERP's: " + erpNumberMismatches.size());
    }
    details(out, "lost from Kafka", lostKafka);
    details(out, "lost from the ERP", lostErp);
    details(out, "ERP orders per idempotency key > 1", duplicateKeys);
    details(out, "ERP orders never requested" + (o.exclusiveErp ? "" : " (not counted: the ERP may serve others)"),
        erpForeign);
    details(out, "Kafka duplicates", kafkaDuplicateIds);
    details(out, "in Kafka but never 202'd", kafkaUnacknowledged);
    details(out, "in the ERP but never 202'd", erpUnacknowledged);
    details(out, "status API erpOrderNumber mismatches", erpNumberMismatches);
    out.add("lost=" + lost.size() + " duplicated=" + duplicated + (kafkaProblem == null ? "" : " (Kafka not read)"));
    out.forEach(System.out::println);

    JsonObject json = new JsonObject()
        .put("runId", o.runId).put("at", startedAt.toString()).put("url", o.url).put("erp", o.erp)
        .put("kafka", o.kafka).put("count", o.count).put("concurrency", o.concurrency).put("retries", o.retries)
        .put("burst_s", round(burstSeconds)).put("attempts", attempts).put("retried_requests", retried)
        .put("accepted_202", accepted202).put("accepted_distinct", acceptedById.size()).put("replayed_202", replayed)
        .put("outcomes", new JsonObject(new LinkedHashMap<>(outcomes)))
        .put("drained", drained).put("drain_s", round(drainSeconds))
        .put("kafka_records", kafka.records).put("in_kafka_distinct", kafka.countById.size())
        .put("kafka_duplicates", kafkaDuplicates).put("kafka_duplicates_not_retried", kafkaDuplicatesUnretried)
        .put("kafka_unacknowledged", new JsonArray(kafkaUnacknowledged))
        .put("in_erp", inErp.size()).put("erp_posts", erpPostsOfAccepted).put("erp_rejected", erpRejected)
        .put("erp_unacknowledged", new JsonArray(erpUnacknowledged))
        .put("erp_never_requested", new JsonArray(erpForeign))
        .put("erp_duplicate_keys", new JsonArray(duplicateKeys))
        .put("sim_duplicates_created", duplicatesCreated)
        .put("status_api", new JsonObject(new LinkedHashMap<>(statuses)))
        .put("status_erp_number_mismatches", new JsonArray(erpNumberMismatches))
        .put("lost_kafka", new JsonArray(new ArrayList<>(lostKafka)))
        .put("lost_erp", new JsonArray(new ArrayList<>(lostErp)))
        .put("kafka_problem", kafkaProblem)
        .put("lost", lost.size()).put("duplicated", duplicated);
    Files.createDirectories(o.results);
    Path file = o.results.resolve(STAMP.format(startedAt) + "-reconcile.json");
    Files.writeString(file, json.encodePrettily() + "\n");
    System.out.println("results: " + file);
    if (!lost.isEmpty() || duplicated > 0) {
      return 1;
    }
    return kafkaProblem == null ? 0 : 2;
  }

  private static void details(List<String> out, String title, Collection<String> items) {
    if (items.isEmpty()) {
      return;
    }
    List<String> shown = new ArrayList<>(items).subList(0, Math.min(20, items.size()));
    out.add("  " + title + " (" + items.size() + "): " + String.join(", ", shown)
        + (items.size() > shown.size() ? ", ..." : ""));
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private String body(int i) {
    return new JsonObject()
        .put("externalId", o.runId + "-" + i)
        .put("customerId", o.customerId)
        .put("shipTo", new JsonObject().put("name", "Reconcile " + i).put("line1", "1 Quay Street")
            .put("city", "Rotterdam").put("postalCode", "3011 AA").put("country", "NL"))
        .put("lines", new JsonArray().add(new JsonObject()
            .put("sku", String.format(Locale.ROOT, o.skuFormat, i % o.skus + 1)).put("quantity", 1)))
        .encode();
  }

  // ------------------------------------------------------------------------------------------
  // the burst

  private void burst(List<Request> requests) throws InterruptedException {
    Semaphore slots = new Semaphore(o.concurrency);
    AtomicInteger done = new AtomicInteger();
    List<CompletableFuture<Void>> all = new ArrayList<>(requests.size());
    for (Request r : requests) {
      slots.acquire();
      all.add(send(r).whenComplete((v, e) -> {
        if (e != null) {
          r.outcome = "client-error " + e;
        }
        slots.release();
        int n = done.incrementAndGet();
        if (n % 100 == 0 && n < requests.size()) {
          say(n + " of " + requests.size() + " requests answered");
        }
      }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
  }

  private CompletableFuture<Void> send(Request r) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(o.url + "/v1/orders"))
        .timeout(Duration.ofMillis(o.requestTimeoutMs))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .header("X-Api-Key", o.channelKey)
        .header("Idempotency-Key", r.key)
        .header("X-Correlation-Id", r.key + "-a" + (r.attempts.size() + 1))
        .POST(HttpRequest.BodyPublishers.ofString(r.body, StandardCharsets.UTF_8))
        .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((resp, err) -> {
      String outcome;
      boolean retry;
      long retryAfterMs = -1;
      if (err != null) {
        Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        outcome = t instanceof HttpTimeoutException ? "timeout"
            : t instanceof ConnectException ? "connect-refused"
            : "io-error " + t.getClass().getSimpleName();
        retry = true;
      } else {
        int status = resp.statusCode();
        String code = problemCode(resp.body());
        outcome = status + (code == null ? "" : " " + code);
        if (status == 202) {
          String id = orderId(resp.body());
          if (id == null) {
            outcome = "202 without orderId";
          } else {
            r.orderId = id;
            r.replayed = resp.headers().firstValue("Idempotent-Replayed").map("true"::equalsIgnoreCase).orElse(false);
          }
          retry = false;
        } else {
          retry = status == 503 || status == 409;
          retryAfterMs = resp.headers().firstValue("Retry-After").map(OrderBurst::seconds).orElse(-1L);
        }
      }
      synchronized (r) {
        r.attempts.add(outcome);
      }
      r.outcome = outcome;
      if (retry && r.attempts.size() <= o.retries) {
        long delay = retryAfterMs >= 0 ? Math.min(MAX_RETRY_AFTER_MS, retryAfterMs)
            : Math.min(4_000, 250L << Math.min(4, r.attempts.size() - 1));
        delay = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
        return CompletableFuture.supplyAsync(() -> null,
            CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS)).thenCompose(v -> send(r));
      }
      return CompletableFuture.<Void>completedFuture(null);
    }).thenCompose(Function.identity());
  }

  private static long seconds(String header) {
    try {
      return Math.max(0, Long.parseLong(header.trim())) * 1000;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String problemCode(String body) {
    try {
      return body == null || body.isBlank() ? null : new JsonObject(body).getString("code");
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String orderId(String body) {
    try {
      return new JsonObject(body).getString("orderId");
    } catch (RuntimeException e) {
      return null;
    }
  }

  // ------------------------------------------------------------------------------------------
  // the ERP simulator and the gateway's read side

  private HttpResponse<String> get(String url, String apiKey, int timeoutMs) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(timeoutMs)).GET();
    if (apiKey != null) {
      b.header("X-Api-Key", apiKey);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new Unreachable("GET " + url + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable("interrupted");
    }
  }

  private JsonArray simOrders() {
    HttpResponse<String> r = get(o.erp + "/sim/orders", null, 30_000);
    if (r.statusCode() != 200) {
      throw new Unreachable("GET " + o.erp + "/sim/orders answered " + r.statusCode());
    }
    return new JsonArray(r.body());
  }

  private JsonObject simStats() {
    HttpResponse<String> r = get(o.erp + "/sim/stats", null, 10_000);
    if (r.statusCode() != 200) {
      throw new Unreachable("GET " + o.erp + "/sim/stats answered " + r.statusCode());
    }
    return new JsonObject(r.body());
  }

  /** {@code GET /orders/{orderId}} of each ERP order: the order as the ERP received it (with its idempotency key). */
  private Map<String, JsonObject> erpDetails(List<JsonObject> erpOrders) throws InterruptedException {
    Map<String, JsonObject> out = new ConcurrentHashMap<>();
    Semaphore slots = new Semaphore(16);
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (JsonObject e : erpOrders) {
      String id = e.getString("orderId");
      slots.acquire();
      HttpRequest req = HttpRequest.newBuilder(URI.create(o.erp + "/orders/" + id))
          .timeout(Duration.ofSeconds(30)).GET().build();
      all.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((resp, err) -> {
        slots.release();
        if (resp != null && resp.statusCode() == 200) {
          JsonObject order = new JsonObject(resp.body()).getJsonObject("order");
          if (order != null) {
            out.put(id, order);
          }
        }
      }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
    if (out.size() < erpOrders.size()) {
      say("ERP: " + (erpOrders.size() - out.size()) + " of " + erpOrders.size()
          + " orders could not be read with GET /orders/{orderId}; their idempotency keys are unknown");
    }
    return out;
  }

  private void waitReady(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = get(o.url + "/health/ready", null, 5_000);
        if (r.statusCode() == 200) {
          return;
        }
        last = "HTTP " + r.statusCode();
      } catch (Unreachable e) {
        last = e.getMessage();
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    say("the gateway is not ready after " + limit.toSeconds() + " s (" + last + "); reconciling anyway");
  }

  /** {@code GET /v1/orders/{orderId}} of every 202'd order: status counts and erpOrderNumber against the ERP's. */
  private void statusApi(Set<String> ids, Map<String, String> erpNumberById, Map<String, Integer> statuses,
                         List<String> mismatches) throws InterruptedException {
    Map<String, String> found = new ConcurrentHashMap<>();
    Map<String, String> numbers = new ConcurrentHashMap<>();
    Semaphore slots = new Semaphore(Math.min(8, o.concurrency));
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (String id : ids) {
      slots.acquire();
      all.add(status(id, 0).whenComplete((j, err) -> {
        slots.release();
        if (err != null || j == null) {
          found.put(id, err != null ? "error" : "not-found");
          return;
        }
        found.put(id, j.getString("status", "?"));
        String n = j.getString("erpOrderNumber");
        if (n != null) {
          numbers.put(id, n);
        }
      }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
    found.values().forEach(s -> statuses.merge(s, 1, Integer::sum));
    for (Map.Entry<String, String> e : numbers.entrySet()) {
      String erp = erpNumberById.get(e.getKey());
      if (erp != null && !erp.equals(e.getValue())) {
        mismatches.add(e.getKey() + " gateway " + e.getValue() + " ERP " + erp);
      }
    }
  }

  private CompletableFuture<JsonObject> status(String id, int attempt) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(o.url + "/v1/orders/" + id))
        .timeout(Duration.ofSeconds(10)).header("X-Api-Key", o.channelKey).header("Accept", "application/json")
        .GET().build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenCompose(resp -> {
      if (resp.statusCode() == 200) {
        return CompletableFuture.completedFuture(new JsonObject(resp.body()));
      }
      if ((resp.statusCode() == 429 || resp.statusCode() == 503) && attempt < 10) {
        long delay = Math.min(MAX_RETRY_AFTER_MS,
            Math.max(200, resp.headers().firstValue("Retry-After").map(OrderBurst::seconds).orElse(1000L)));
        return CompletableFuture.supplyAsync(() -> null,
                CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS))
            .thenCompose(v -> status(id, attempt + 1));
      }
      return CompletableFuture.completedFuture(null);
    });
  }

  // ------------------------------------------------------------------------------------------
  // Kafka

  static final class KafkaView {
    final Map<String, Integer> countById = new HashMap<>();
    final Map<String, String> keyById = new HashMap<>();
    long records;        // records of this run
    long totalRecords;   // records read from the topic
  }

  /**
   * The whole topic from the beginning to the end offsets seen at the start: partitions assigned,
   * no group, nothing committed. Records of this run: the orderId was 202'd, or the record's
   * idempotency key starts with this run's prefix.
   */
  private KafkaView readKafka(Set<String> acceptedIds, String keyPrefix) {
    Properties p = new Properties();
    p.put("bootstrap.servers", o.kafka);
    p.put("enable.auto.commit", "false");
    p.put("auto.offset.reset", "earliest");
    p.put("client.id", "order-burst-reconcile");
    p.put("max.poll.records", "2000");
    p.put("default.api.timeout.ms", "60000");
    KafkaView view = new KafkaView();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(o.topic, Duration.ofSeconds(60))) {
        partitions.add(new TopicPartition(info.topic(), info.partition()));
      }
      if (partitions.isEmpty()) {
        throw new Unreachable("topic " + o.topic + " has no partitions at " + o.kafka);
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(60));
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (!caughtUp(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new Unreachable("could not read " + o.topic + " to its end within 120 s");
        }
        for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
          view.totalRecords++;
          JsonObject data;
          try {
            data = new JsonObject(new String(rec.value(), StandardCharsets.UTF_8)).getJsonObject("data");
          } catch (RuntimeException e) {
            continue;
          }
          if (data == null) {
            continue;
          }
          String id = data.getString("orderId");
          String key = data.getString("idempotencyKey");
          if (id != null && (acceptedIds.contains(id) || key != null && key.startsWith(keyPrefix))) {
            view.records++;
            view.countById.merge(id, 1, Integer::sum);
            if (key != null) {
              view.keyById.put(id, key);
            }
          }
        }
      }
    }
    return view;
  }

  private static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
