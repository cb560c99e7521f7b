package io.tidegate.dev;

import io.tidegate.config.GatewayConfig;
import io.tidegate.dev.erp.ErpSimulator;
import io.tidegate.dev.erp.ErpSimulatorOptions;
import io.tidegate.dev.erp.FeedWarehouse;
import io.tidegate.dev.erp.KafkaStatusSink;
import io.tidegate.gateway.ConfigLoader;
import io.tidegate.gateway.GatewayApp;
import io.tidegate.schemas.Topics;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Development mode: a real Kafka broker (KRaft, in this JVM), a real PostgreSQL, the ERP simulator
 * and the demo data, then the gateway — all on the ports of {@code config/tidegate.yaml}.
 * Everything lives under one folder ({@code .tidegate/dev}, or {@code TIDEGATE_DEV_DIR}); running
 * again resumes from it, also after {@code kill -9}. {@code --fresh} deletes it first. Ctrl-C or
 * SIGTERM stops everything cleanly.
 *
 * <p>{@code TIDEGATE_DEV_ERP=external} (or {@code --no-erp}) leaves the ERP simulator out: the
 * gateway posts to {@code erp.baseUrl}, where the caller runs one itself (e.g.
 * {@link io.tidegate.dev.erp.ErpSimulatorMain}). The simulator keeps its orders in memory only, so
 * a test that kills and restarts this JVM needs the simulator in another process to check that
 * nothing was posted twice across the restart ({@code load-tests/reconcile --kill} does that).
 *
 * <p>{@code TIDEGATE_DEV_KAFKA=external} likewise leaves the broker out: the gateway and the demo
 * data use {@code kafka.bootstrapServers}, where the caller runs a broker (e.g.
 * {@link EmbeddedKafkaMain}, which also creates the topics), so that a test can stop and restart
 * the broker alone ({@code load-tests/reconcile --broker-restart}).
 *
 * <p>This class and the embedded servers are in the test scope of the gateway module: they never
 * reach the production artifact or its classpath.
 */
public final class DevStack {

  private static final String DEMO_MARKER = "demo-data.published";

  private DevStack() {
  }

  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    Map<String, String> env = System.getenv();
    boolean fresh = java.util.Arrays.asList(args).contains("--fresh");
    boolean externalErp = java.util.Arrays.asList(args).contains("--no-erp")
        || "external".equalsIgnoreCase(env.getOrDefault("TIDEGATE_DEV_ERP", "embedded").trim());
    boolean externalKafka = "external".equalsIgnoreCase(env.getOrDefault("TIDEGATE_DEV_KAFKA", "embedded").trim());
    Path dir = Path.of(env.getOrDefault("TIDEGATE_DEV_DIR", ".tidegate/dev")).toAbsolutePath();
    if (fresh) {
      deleteRecursively(dir);
    }
    Files.createDirectories(dir);
    GatewayConfig config = ConfigLoader.load(ConfigLoader.locate(args, env), env);
    URI kafkaUri = URI.create("tcp://" + config.kafka().bootstrapServers().split(",")[0]);
    URI erpUri = URI.create(config.erp().baseUrl());
    say("Tidegate dev stack: data in " + dir + (fresh ? " (fresh)" : ""));

    EmbeddedPostgres postgres = EmbeddedPostgres.start(dir.resolve("postgres"), config.postgres().port(),
        config.postgres().database());
    EmbeddedKafka kafka = externalKafka ? null
        : EmbeddedKafka.start(dir.resolve("kafka"), kafkaUri.getPort(), kafkaUri.getPort() + 1);
    String bootstrap = kafka == null ? config.kafka().bootstrapServers() : kafka.bootstrapServers();
    if (kafka != null) {
      Topics.all().forEach(t -> kafka.createTopic(t.name(), t.partitions(), t.compacted()));
    }
    say("  kafka " + bootstrap + (kafka == null ? " (external: TIDEGATE_DEV_KAFKA=external)" : "")
        + ", postgres 127.0.0.1:" + postgres.port() + "/" + postgres.database());

    Vertx erpVertx;
    KafkaStatusSink erpEvents;
    if (externalErp) {
      erpVertx = null;
      erpEvents = null;
      say("  ERP simulator: external (TIDEGATE_DEV_ERP=external), the gateway posts to " + config.erp().baseUrl());
    } else {
      erpVertx = Vertx.vertx();
      erpEvents = KafkaStatusSink.create(erpVertx, bootstrap);
      // The ERP's stock side: a booked order's lines become allocated on the inventory feed.
      FeedWarehouse warehouse = FeedWarehouse.start(erpVertx, bootstrap).await();
      ErpSimulator erp = ErpSimulator.start(erpVertx, ErpSimulatorOptions.fromEnv(env).withPort(erpUri.getPort()),
              erpEvents, warehouse)
          .await();
      say("  ERP simulator http://127.0.0.1:" + erp.actualPort() + " (GET /sim/stats, PUT /sim/config)");
    }

    if (!Files.exists(dir.resolve(DEMO_MARKER))) {
      try (Producer<String, byte[]> producer = producer(bootstrap)) {
        int records = DemoData.publish(producer);
        Files.writeString(dir.resolve(DEMO_MARKER), records + " records\n");
        say("  demo data: " + DemoData.SKUS + " SKUs x " + DemoData.LOCATIONS + ", price rules in EUR and USD ("
            + records + " events)");
      }
    }

    GatewayApp app = GatewayApp.start(config).await();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      say("stopping Tidegate dev stack...");
      await(() -> app.stop().await());
      if (erpVertx != null) {
        // The simulator first (its status timers end with it), then the producer they publish with.
        await(() -> io.vertx.core.Future.join(erpVertx.deploymentIDs().stream().map(erpVertx::undeploy).toList())
            .await());
        await(() -> erpEvents.close().await());
        await(() -> erpVertx.close().await());
      }
      if (kafka != null) {
        await(kafka::close);
      }
      await(postgres::close);
      say("stopped; data kept in " + dir);
    }, "tidegate-dev-shutdown"));

    String base = "http://" + config.http().host() + ":" + app.port();
    waitUntilReady(base + "/health/ready", Duration.ofSeconds(90));
    say(String.format("""

        Tidegate is ready after %.1f s: %s
          channels : webshop / dev-webshop-key, marketplace / dev-marketplace-key
          admin key: dev-admin-key
          try      : curl -H 'X-Api-Key: dev-webshop-key' %s/v1/atp/SKU-0001
          contract : %s/openapi.yaml   health: %s/health/ready   metrics: %s/metrics
        Ctrl-C stops everything; data stays in %s (--fresh starts over).
        """, (System.nanoTime() - t0) / 1e9, base, base, base, base, base, dir));
  }

  private static Producer<String, byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    p.put("linger.ms", "5");
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  private static void waitUntilReady(String url, Duration limit) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
            .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L); // poll interval, bounded by the deadline
    }
    throw new IllegalStateException("the gateway did not become ready within " + limit.toSeconds() + " s (" + url + ")");
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void await(Step step) {
    try {
      step.run();
    } catch (Exception e) {
      System.err.println("  shutdown step failed: " + e);
    }
  }

  private static void say(String line) {
    System.out.println(line);
  }

  static void deleteRecursively(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
