package io.tidegate.dev.erp;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.kafka.client.serialization.BufferSerializer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Map;

/**
 * Publishes status events to {@value #TOPIC}: key = orderId, value = the envelope JSON, headers
 * {@code correlationId} and {@code type}; acks=all, idempotent producer. The future completes on
 * the broker's ack. The caller owns the sink and {@link #close() closes} it.
 */
public final class KafkaStatusSink implements StatusSink {

  public static final String TOPIC = "orders.erp-status.v1";
  public static final String EVENT_TYPE = "ErpOrderStatusChanged";
  private static final long CLOSE_TIMEOUT_MS = 5_000;

  private final KafkaProducer<String, Buffer> producer;

  public KafkaStatusSink(KafkaProducer<String, Buffer> producer) {
    this.producer = producer;
  }

  /** A sink with its own producer for {@code bootstrapServers} (e.g. {@code 127.0.0.1:9092}). */
  public static KafkaStatusSink create(Vertx vertx, String bootstrapServers) {
    Map<String, String> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
        ProducerConfig.CLIENT_ID_CONFIG, "erp-simulator",
        ProducerConfig.LINGER_MS_CONFIG, "5",
        ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    return new KafkaStatusSink(
        KafkaProducer.create(vertx, config, new StringSerializer(), new BufferSerializer()));
  }

  @Override
  public Future<Void> publish(String orderId, String correlationId, Buffer eventJson) {
    return producer.send(record(orderId, correlationId, eventJson)).mapEmpty();
  }

  static KafkaProducerRecord<String, Buffer> record(String orderId, String correlationId, Buffer eventJson) {
    return KafkaProducerRecord.create(TOPIC, orderId, eventJson)
        .addHeader("correlationId", correlationId)
        .addHeader("type", EVENT_TYPE);
  }

  /** Closes the producer, waiting at most 5 s for unsent events (an absent broker must not hang shutdown). */
  public Future<Void> close() {
    return producer.close(CLOSE_TIMEOUT_MS);
  }
}
