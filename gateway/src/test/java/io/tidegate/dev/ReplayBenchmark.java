package io.tidegate.dev;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidegate.kafka.FeedStatus;
import io.tidegate.atp.InventoryFeed;
import io.tidegate.kafka.CompactedFeedVerticle;
import io.tidegate.atp.InventoryReadModel;
import io.tidegate.config.KafkaSettings;
import io.tidegate.kafka.DeadLetters;
import io.tidegate.kafka.KafkaClients;
import io.tidegate.schemas.Topics;
import io.tidegate.schemas.events.EventCodec;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Benchmark (not a test): how long a gateway takes to rebuild the ATP read model from the
 * compacted {@code inventory.positions.v1} topic, and how much heap the model holds.
 * Publishes N positions (default 1,000,000 = N/2 SKUs x DC1, DC2) to an embedded broker, replays
 * them through the real {@link CompactedFeedVerticle} with the {@link InventoryFeed}, and prints the figures.
 *
 * <pre>java -cp &lt;gateway test classpath&gt; io.tidegate.dev.ReplayBenchmark [positions]</pre>
 */
public final class ReplayBenchmark {

  private ReplayBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int positions = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path dir = Files.createTempDirectory("tidegate-replay-");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, 0)) {
      kafka.createTopic(Topics.INVENTORY_POSITIONS, Topics.DEFAULT_PARTITIONS, true);
      kafka.createTopic(Topics.dlqOf(Topics.INVENTORY_POSITIONS), 1, false);
      long t0 = System.nanoTime();
      publish(kafka.bootstrapServers(), positions);
      double publishS = (System.nanoTime() - t0) / 1e9;

      long heapBefore = usedHeapAfterGc();
      Vertx vertx = Vertx.vertx();
      KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), "replay-bench", "replay", 10_000, Map.of());
      InventoryReadModel model = new InventoryReadModel();
      FeedStatus status = new FeedStatus(30_000, System::currentTimeMillis);
      KafkaProducer<String, byte[]> producer = KafkaProducer.create(vertx, KafkaClients.producer(settings));
      long t1 = System.nanoTime();
      vertx.deployVerticle(new CompactedFeedVerticle(Topics.INVENTORY_POSITIONS, settings, 200, new EventCodec(),
          new InventoryFeed(model), status, new DeadLetters(producer), new SimpleMeterRegistry())).await();
      Eventually.await(java.time.Duration.ofMinutes(10), "replay", status::everInSync, done -> done);
      double replayS = (System.nanoTime() - t1) / 1e9;
      long heapAfter = usedHeapAfterGc();
      System.out.printf("%nreplay benchmark: %,d positions (%,d SKUs)%n", positions, model.skuCount());
      System.out.printf("  publish to broker   : %6.1f s%n", publishS);
      System.out.printf("  replay into model   : %6.1f s  (%,.0f positions/s)%n", replayS, positions / replayS);
      System.out.printf("  heap held by model  : %6.1f MB (used heap after GC, after minus before; %d bytes/position)%n",
          (heapAfter - heapBefore) / 1e6, (heapAfter - heapBefore) / positions);
      System.out.printf("  heap used in total  : %6.1f MB (includes the in-process broker)%n", heapAfter / 1e6);
      producer.close().await();
      vertx.close().await();
    } finally {
      DevStack.deleteRecursively(dir);
    }
    System.exit(0);
  }

  private static void publish(String bootstrap, int positions) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("linger.ms", "20");
    p.put("batch.size", "262144");
    p.put("compression.type", "lz4");
    Random random = new Random(42);
    try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(p, new StringSerializer(),
        new ByteArraySerializer())) {
      for (int i = 0; i < positions; i++) {
        String sku = String.format("SKU-%07d", i / 2);
        String location = i % 2 == 0 ? "DC1" : "DC2";
        JsonObject data = new JsonObject().put("sku", sku).put("location", location).put("sequence", 1)
            .put("onHand", random.nextInt(500)).put("allocated", random.nextInt(20)).put("damaged", 0)
            .put("safetyStock", 5).put("inTransit", random.nextInt(4) == 0
                ? new JsonArray().add(new JsonObject().put("quantity", 40).put("expectedDate", "2026-12-01"))
                : new JsonArray());
        producer.send(new ProducerRecord<>(Topics.INVENTORY_POSITIONS, sku + "@" + location,
            DemoData.envelope("InventoryPositionChanged", data, "replay-bench")));
      }
      producer.flush();
    }
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 4; i++) {
      System.gc();
      java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
