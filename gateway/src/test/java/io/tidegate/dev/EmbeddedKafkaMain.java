package io.tidegate.dev;

import io.tidegate.schemas.Topics;
import java.nio.file.Path;

/**
 * The dev stack's broker as a process of its own, for fault tests that stop and restart the broker
 * while the gateway keeps running ({@code load-tests/reconcile --broker-restart}): with
 * {@code TIDEGATE_DEV_KAFKA=external} the dev stack starts no broker and uses this one.
 *
 * <p>Environment: {@code TIDEGATE_DEV_DIR} (the broker keeps its data in {@code <dir>/kafka}, as
 * the dev stack does, so either can resume it), {@code TIDEGATE_KAFKA_PORT} (default 9092; the
 * controller takes the next port). Creates the gateway's topics (existing ones are left as they
 * are) and prints {@code Kafka ready at ...}; stops cleanly on SIGTERM / Ctrl-C.
 */
public final class EmbeddedKafkaMain {

  private EmbeddedKafkaMain() {
  }

  public static void main(String[] args) {
    String dir = System.getenv().getOrDefault("TIDEGATE_DEV_DIR", ".tidegate/dev");
    int port;
    try {
      port = Integer.parseInt(System.getenv().getOrDefault("TIDEGATE_KAFKA_PORT", "9092").trim());
    } catch (NumberFormatException e) {
      System.err.println("embedded Kafka: TIDEGATE_KAFKA_PORT must be a port number");
      System.exit(2);
      return;
    }
    EmbeddedKafka kafka;
    try {
      kafka = EmbeddedKafka.start(Path.of(dir, "kafka"), port, port + 1);
      Topics.all().forEach(t -> kafka.createTopic(t.name(), t.partitions(), t.compacted()));
    } catch (RuntimeException e) {
      System.err.println("embedded Kafka failed to start: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "embedded-kafka-main-shutdown"));
    System.out.println("Kafka ready at " + kafka.bootstrapServers() + " (data in " + kafka.dataDir() + ")");
  }
}
