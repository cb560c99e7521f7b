package io.tidegate.dev.erp;

import io.tidegate.dev.DemoData;
import io.tidegate.schemas.Topics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Warehouse} on the real inventory feed ({@code inventory.positions.v1}): it follows the
 * feed (every position, whoever published it) and publishes a position's next version, with the
 * next {@code sequence}, when the simulator allocates, ships or deallocates. A position it has not
 * seen is left alone (logged). The dev stack's ERP uses it, so that the demo's ATP stays right
 * after the ERP books an order; tests of the simulator alone use {@link Warehouse#NONE}.
 */
public final class FeedWarehouse implements Warehouse {

  private static final Logger LOG = LoggerFactory.getLogger(FeedWarehouse.class);
  private static final String TYPE = "InventoryPositionChanged";

  private final Map<String, JsonObject> positions = new ConcurrentHashMap<>();
  private final KafkaConsumer<String, Buffer> consumer;
  private final KafkaProducer<String, byte[]> producer;

  private FeedWarehouse(KafkaConsumer<String, Buffer> consumer, KafkaProducer<String, byte[]> producer) {
    this.consumer = consumer;
    this.producer = producer;
  }

  /** Follows the feed from its beginning; the returned warehouse may lag it by a poll. */
  public static Future<FeedWarehouse> start(Vertx vertx, String bootstrapServers) {
    KafkaConsumer<String, Buffer> consumer = KafkaConsumer.create(vertx, Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.CLIENT_ID_CONFIG, "erp-simulator-warehouse",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        new StringDeserializer(), new io.vertx.kafka.client.serialization.BufferDeserializer());
    KafkaProducer<String, byte[]> producer = KafkaProducer.create(vertx, Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
        ProducerConfig.CLIENT_ID_CONFIG, "erp-simulator-warehouse",
        ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000"), new StringSerializer(), new ByteArraySerializer());
    FeedWarehouse warehouse = new FeedWarehouse(consumer, producer);
    consumer.handler(record -> warehouse.seen(record.value()));
    return consumer.partitionsFor(Topics.INVENTORY_POSITIONS)
        .compose(infos -> {
          Set<TopicPartition> all = infos.stream().map(p -> new TopicPartition(p.getTopic(), p.getPartition()))
              .collect(Collectors.toSet());
          return consumer.assign(all).compose(v -> consumer.seekToBeginning(all));
        })
        .map(warehouse)
        .onFailure(e -> warehouse.close()); // e.g. no broker yet: nothing left open behind a retry
  }

  @Override
  public Future<Void> apply(Movement movement, JsonArray allocations) {
    List<Future<?>> sent = new ArrayList<>();
    for (Object a : allocations) {
      JsonObject line = (JsonObject) a;
      String key = line.getString("sku") + "@" + line.getString("location");
      JsonObject current = positions.get(key);
      if (current == null) {
        LOG.info("no position {} on the inventory feed: {} of {} not published", key, movement, line.getInteger("quantity"));
        continue;
      }
      JsonObject next = moved(current, movement, line.getInteger("quantity"));
      positions.merge(key, next, FeedWarehouse::newer);
      KafkaProducerRecord<String, byte[]> record = KafkaProducerRecord.create(Topics.INVENTORY_POSITIONS, key,
          DemoData.envelope(TYPE, next, "erp-simulator"));
      record.addHeader(Topics.HEADER_CORRELATION_ID, "erp-simulator");
      record.addHeader(Topics.HEADER_TYPE, TYPE);
      sent.add(producer.send(record));
    }
    return Future.all(sent).mapEmpty();
  }

  /** The position after {@code movement} of {@code quantity}: the next sequence, figures never below 0. */
  static JsonObject moved(JsonObject position, Movement movement, int quantity) {
    int onHand = position.getInteger("onHand");
    int allocated = position.getInteger("allocated");
    switch (movement) {
      case ALLOCATE -> allocated += quantity;
      case SHIP -> {
        onHand = Math.max(0, onHand - quantity);
        allocated = Math.max(0, allocated - quantity);
      }
      case DEALLOCATE -> allocated = Math.max(0, allocated - quantity);
    }
    return position.copy().put("sequence", position.getLong("sequence") + 1).put("onHand", onHand)
        .put("allocated", allocated);
  }

  /** The latest position of {@code sku} at {@code location} the warehouse knows, or null. */
  public JsonObject position(String sku, String location) {
    return positions.get(sku + "@" + location);
  }

  public Future<Void> close() {
    return Future.join(consumer.close(), producer.close(5_000)).mapEmpty();
  }

  private void seen(Buffer value) {
    if (value == null) {
      return;
    }
    try {
      JsonObject data = new JsonObject(value.toString(StandardCharsets.UTF_8)).getJsonObject("data");
      if (data != null && data.getString("sku") != null && data.getString("location") != null
          && data.getValue("sequence") instanceof Number) {
        positions.merge(data.getString("sku") + "@" + data.getString("location"), data, FeedWarehouse::newer);
      }
    } catch (RuntimeException e) {
      LOG.debug("inventory record not read: {}", e.toString());
    }
  }

  private static JsonObject newer(JsonObject held, JsonObject seen) {
    return seen.getLong("sequence") > held.getLong("sequence") ? seen : held;
  }
}
