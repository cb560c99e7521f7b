package io.tidegate.kafka;

import io.tidegate.schemas.Topics;
import io.vertx.core.Future;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a record that a consumer cannot use to its feed's {@code .dlq} topic, unchanged, with the
 * reason and origin in headers — so the consumer never stalls on a poison record and nothing is
 * silently dropped.
 */
public final class DeadLetters {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

  private final KafkaProducer<String, byte[]> producer;

  public DeadLetters(KafkaProducer<String, byte[]> producer) {
    this.producer = producer;
  }

  public Future<Void> send(KafkaConsumerRecord<String, byte[]> record, String reason) {
    String dlqTopic = Topics.dlqOf(record.topic());
    KafkaProducerRecord<String, byte[]> out = KafkaProducerRecord.create(dlqTopic, record.key(), record.value());
    record.headers().forEach(out::addHeader);
    out.addHeader(KafkaHeader.header("dlq.reason", truncate(reason)))
        .addHeader(KafkaHeader.header("dlq.source.topic", record.topic()))
        .addHeader(KafkaHeader.header("dlq.source.partition", Integer.toString(record.partition())))
        .addHeader(KafkaHeader.header("dlq.source.offset", Long.toString(record.offset())))
        .addHeader(KafkaHeader.header("dlq.at", Instant.now().toString()));
    return producer.send(out)
        .onFailure(e -> LOG.error("could not dead-letter {}-{}@{} to {}: {}", record.topic(), record.partition(),
            record.offset(), dlqTopic, e.toString()))
        .mapEmpty();
  }

  private static String truncate(String reason) {
    return reason.length() <= 1000 ? reason : reason.substring(0, 1000);
  }
}
