package io.tidegate.kafka;

import io.tidegate.schemas.Topics;
import io.tidegate.schemas.events.EventCodec;
import io.tidegate.schemas.events.EventEnvelope;
import io.tidegate.schemas.events.InvalidEventException;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaHeader;
import java.time.Instant;

/** Reading the event of a record that another system may have produced onto a feed. */
public final class FeedRecords {

  private FeedRecords() {
  }

  /**
   * A feed record's event, forgiving envelope fields the producer left out (see
   * {@link EventCodec#decodeFeed}): the time and correlation id come from the record.
   */
  public static EventEnvelope<?> decode(EventCodec codec, KafkaConsumerRecord<String, byte[]> record)
      throws InvalidEventException {
    String correlation = null;
    for (KafkaHeader header : record.headers()) {
      if (header.key().equals(Topics.HEADER_CORRELATION_ID)) {
        correlation = header.value().toString();
      }
    }
    Instant at = record.timestamp() > 0 ? Instant.ofEpochMilli(record.timestamp()) : Instant.now();
    return codec.decodeFeed(record.value(), at, correlation);
  }
}
