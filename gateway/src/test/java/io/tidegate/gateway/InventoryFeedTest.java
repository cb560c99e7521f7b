package io.tidegate.gateway;

import static io.tidegate.gateway.GatewayHttpTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidegate.dev.DemoData;
import io.tidegate.dev.Eventually;
import io.tidegate.dev.Http.Answer;
import io.tidegate.dev.TestStack;
import io.tidegate.schemas.Topics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The first slice end to end: position events published to the real broker become ATP answers;
 * out-of-date and duplicate events are ignored; poison records go to the feed's DLQ and the
 * consumer keeps going.
 */
class InventoryFeedTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @RegisterExtension
  static final RunningGateway GATEWAY = new RunningGateway();

  @Test
  void aPublishedPositionIsServedWithTheContractFields() throws Exception {
    String sku = uniqueSku();
    publish(position(sku, "DC1", 3, 120, 10, 2, 5).put("inTransit", new JsonArray()
        .add(new JsonObject().put("quantity", 50).put("expectedDate", "2026-12-01"))));
    publish(position(sku, "DC2", 1, 40, 0, 0, 5));

    JsonObject atp = awaitAtp(sku, body -> body.getJsonArray("locations").size() == 2);
    JsonObject dc1 = atp.getJsonArray("locations").getJsonObject(0);
    assertEquals("DC1", dc1.getString("location"));
    assertEquals(120, dc1.getInteger("onHand"));
    assertEquals(10, dc1.getInteger("allocated"));
    assertEquals(0, dc1.getInteger("reserved"));
    assertEquals(2, dc1.getInteger("damaged"));
    assertEquals(5, dc1.getInteger("safetyStock"));
    assertEquals(50, dc1.getInteger("inTransit"));
    assertEquals(103, dc1.getInteger("available"), "120 - 10 - 0 - 2 - 5");
    assertEquals(3, dc1.getInteger("sequence"));
    assertEquals(new JsonArray().add(new JsonObject().put("quantity", 50).put("expectedDate", "2026-12-01")),
        dc1.getJsonArray("inTransitSupply"));
    assertEquals(new JsonArray(), atp.getJsonArray("locations").getJsonObject(1).getJsonArray("inTransitSupply"));
    assertEquals(sku, atp.getString("sku"));
    JsonObject total = atp.getJsonObject("total");
    String asOf = atp.getString("asOf");
    boolean stale = atp.getBoolean("stale");
    assertEquals(new JsonObject().put("onHand", 160).put("allocated", 10).put("reserved", 0).put("damaged", 2)
        .put("safetyStock", 10).put("inTransit", 50).put("available", 138).put("asOf", asOf).put("stale", stale),
        total, "the contract's figures in total, asOf and stale among them");
    assertEquals(160, total.getInteger("onHand"));
    assertEquals(103 + 35, total.getInteger("available"));
    assertNotNull(Instant.parse(asOf), atp.encode());
    for (Object location : atp.getJsonArray("locations")) {
      assertEquals(asOf, ((JsonObject) location).getString("asOf"), "asOf per location: " + atp.encode());
      assertEquals(stale, ((JsonObject) location).getBoolean("stale"), "stale per location: " + atp.encode());
    }

    Answer onlyDc2 = GATEWAY.http().get("/v1/atp/" + sku + "?location=DC2", "X-Api-Key", "dev-webshop-key");
    assertEquals(200, onlyDc2.status());
    assertEquals(1, onlyDc2.json().getJsonArray("locations").size());
    assertEquals(35, onlyDc2.json().getJsonObject("total").getInteger("available"));
    assertProblem(GATEWAY.http().get("/v1/atp/" + sku + "?location=DC9", "X-Api-Key", "dev-webshop-key"), 404, "NOT_FOUND");
  }

  @Test
  void anAtpCheckPromisesFromTheReadModelAndNamesUnknownSkus() throws Exception {
    String sku = uniqueSku();
    publish(position(sku, "DC1", 1, 30, 0, 0, 0).put("inTransit", new JsonArray()
        .add(new JsonObject().put("quantity", 50).put("expectedDate", "2026-11-26"))));
    publish(position(sku, "DC2", 1, 45, 0, 0, 0));
    awaitAtp(sku, body -> body.getJsonArray("locations").size() == 2);

    Answer check = GATEWAY.http().post("/v1/atp:check", "application/json", new JsonObject()
        .put("requestedDate", "2026-11-27")
        .put("lines", new JsonArray()
            .add(new JsonObject().put("sku", sku).put("quantity", 80))
            .add(new JsonObject().put("sku", sku).put("quantity", 500))
            .add(new JsonObject().put("sku", sku).put("quantity", 5).put("location", "DC2"))).encode(),
        "X-Api-Key", "dev-webshop-key");
    assertEquals(200, check.status(), check.body());
    JsonArray lines = check.json().getJsonArray("lines");
    assertEquals("AVAILABLE", lines.getJsonObject(0).getString("status"));
    assertEquals(new JsonArray().add(new JsonObject().put("location", "DC1").put("quantity", 80)),
        lines.getJsonObject(0).getJsonArray("shipFrom"));
    assertEquals("PARTIAL", lines.getJsonObject(1).getString("status"));
    assertEquals(125, lines.getJsonObject(1).getInteger("promised"));
    assertEquals("DC2", lines.getJsonObject(2).getJsonArray("shipFrom").getJsonObject(0).getString("location"));
    assertEquals("2026-11-27", check.json().getString("requestedDate"));

    Answer unknown = GATEWAY.http().post("/v1/atp:check", "application/json",
        "{\"lines\":[{\"sku\":\"" + sku + "\",\"quantity\":1},{\"sku\":\"NOPE-1\",\"quantity\":1}]}",
        "X-Api-Key", "dev-webshop-key");
    assertProblem(unknown, 404, "NOT_FOUND");
    assertEquals("/lines/1/sku", unknown.json().getJsonArray("errors").getJsonObject(0).getString("pointer"));
    Answer elsewhere = GATEWAY.http().post("/v1/atp:check", "application/json",
        "{\"lines\":[{\"sku\":\"" + sku + "\",\"quantity\":1,\"location\":\"DC9\"}]}", "X-Api-Key", "dev-webshop-key");
    assertProblem(elsewhere, 404, "NOT_FOUND");
    assertEquals("/lines/0/location", elsewhere.json().getJsonArray("errors").getJsonObject(0).getString("pointer"));
  }

  @Test
  void aRecordShapedLikeTheContractsExampleIsApplied() throws Exception {
    // CONTRACT.md's feed example: type, schemaVersion and data, no other envelope field
    String sku = uniqueSku();
    String example = "{\"type\":\"InventoryPositionChanged\",\"schemaVersion\":1,\"data\":{\"sku\":\"" + sku
        + "\",\"location\":\"DC1\",\"sequence\":42,\"onHand\":120,\"allocated\":10,\"damaged\":2,"
        + "\"safetyStock\":5,\"inTransit\":[{\"quantity\":50,\"expectedDate\":\"2026-12-01\"}]}}";
    TestStack.get().producer().send(new ProducerRecord<>(Topics.INVENTORY_POSITIONS, sku + "@DC1",
        example.getBytes(StandardCharsets.UTF_8))).get();
    JsonObject atp = awaitAtp(sku, body -> true);
    assertEquals(120, atp.getJsonArray("locations").getJsonObject(0).getInteger("onHand"), atp.encode());
  }

  @Test
  void anOlderOrDuplicateSequenceNeverOverwritesANewerOne() throws Exception {
    String sku = uniqueSku();
    publish(position(sku, "DC1", 5, 100, 0, 0, 0));
    publish(position(sku, "DC1", 4, 999, 0, 0, 0)); // late, older
    publish(position(sku, "DC1", 5, 777, 0, 0, 0)); // duplicate sequence
    publish(position(sku, "DC1", 6, 60, 0, 0, 0)); // newer: marks the end of the batch
    JsonObject atp = awaitAtp(sku, body -> body.getJsonArray("locations").getJsonObject(0).getLong("sequence") == 6);
    assertEquals(60, atp.getJsonArray("locations").getJsonObject(0).getInteger("onHand"));

    publish(position(sku, "DC1", 2, 5, 0, 0, 0)); // out of order after the newest
    String marker = uniqueSku();
    publish(position(marker, "DC1", 1, 1, 0, 0, 0));
    awaitAtp(marker, body -> true); // the consumer has gone past the stale record
    assertEquals(60, awaitAtp(sku, body -> true).getJsonArray("locations").getJsonObject(0).getInteger("onHand"));
  }

  @Test
  void aPoisonRecordGoesToTheDlqAndTheConsumerKeepsGoing() throws Exception {
    String badKey = "poison-" + UUID.randomUUID();
    TestStack.get().producer().send(new ProducerRecord<>(Topics.INVENTORY_POSITIONS, badKey,
        "{not json".getBytes(StandardCharsets.UTF_8))).get();
    String schemaBreaker = uniqueSku();
    publish(position(schemaBreaker, "DC1", 1, -5, 0, 0, 0)); // negative onHand breaks the schema
    String after = uniqueSku();
    publish(position(after, "DC1", 1, 42, 0, 0, 0));

    assertEquals(42, awaitAtp(after, body -> true).getJsonArray("locations").getJsonObject(0).getInteger("onHand"));
    assertProblem(GATEWAY.http().get("/v1/atp/" + schemaBreaker, "X-Api-Key", "dev-webshop-key"), 404, "NOT_FOUND");

    List<ConsumerRecord<String, byte[]>> dlq = read(Topics.dlqOf(Topics.INVENTORY_POSITIONS), 2, badKey,
        schemaBreaker + "@DC1");
    for (ConsumerRecord<String, byte[]> r : dlq) {
      assertTrue(r.headers().lastHeader("dlq.reason") != null, "DLQ record without a reason");
      assertEquals(Topics.INVENTORY_POSITIONS,
          new String(r.headers().lastHeader("dlq.source.topic").value(), StandardCharsets.UTF_8));
    }
  }

  /** A consumer of the test broker; in {@code group} from the earliest offset, or unassigned when null. */
  private static KafkaConsumer<String, byte[]> consumer(String group) {
    Properties p = new Properties();
    p.put("bootstrap.servers", TestStack.get().kafka().bootstrapServers());
    if (group != null) {
      p.put("group.id", group);
      p.put("auto.offset.reset", "earliest");
    }
    return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Reads {@code topic} from the start until it has seen {@code expected} records with one of {@code keys}. */
  static List<ConsumerRecord<String, byte[]>> read(String topic, int expected, String... keys) {
    List<String> wanted = List.of(keys);
    List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer("dlq-reader-" + UUID.randomUUID())) {
      consumer.subscribe(List.of(topic));
      Eventually.await(DEADLINE, expected + " records on " + topic + " for " + wanted, () -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (wanted.contains(r.key())) {
            found.add(r);
          }
        });
        return found.size();
      }, n -> n >= expected);
    }
    return found;
  }

  /** Every record of {@code topic} with key {@code key}, up to the end the topic has now. */
  static List<ConsumerRecord<String, byte[]>> readAll(String topic, String key) {
    List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer(null)) {
      List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(info -> new org.apache.kafka.common.TopicPartition(topic, info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        assertTrue(System.nanoTime() < deadline, "read " + topic + " to its end in time");
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (key.equals(r.key())) {
            found.add(r);
          }
        });
      }
    }
    return found;
  }

  private static JsonObject awaitAtp(String sku, java.util.function.Predicate<JsonObject> done) {
    return Eventually.await(DEADLINE, "ATP of " + sku, () -> GATEWAY.http().get("/v1/atp/" + sku, "X-Api-Key", "dev-webshop-key"),
        a -> a.status() == 200 && done.test(a.json())).json();
  }

  static String uniqueSku() {
    return "T-" + UUID.randomUUID().toString().substring(0, 18);
  }

  static JsonObject position(String sku, String location, long sequence, int onHand, int allocated, int damaged,
                             int safetyStock) {
    return new JsonObject().put("sku", sku).put("location", location).put("sequence", sequence)
        .put("onHand", onHand).put("allocated", allocated).put("damaged", damaged).put("safetyStock", safetyStock)
        .put("inTransit", new JsonArray());
  }

  static void publish(JsonObject position) throws Exception {
    String key = position.getString("sku") + "@" + position.getString("location");
    TestStack.get().producer().send(new ProducerRecord<>(Topics.INVENTORY_POSITIONS, key,
        DemoData.envelope("InventoryPositionChanged", position, "test-" + key))).get();
  }
}
