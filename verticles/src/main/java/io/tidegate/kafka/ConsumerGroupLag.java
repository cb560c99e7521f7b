package io.tidegate.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.ListOffsetsResultInfo;
import io.vertx.kafka.admin.OffsetSpec;
import io.vertx.kafka.admin.TopicDescription;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gateway_consumer_lag_records{group, topic}}: records a consumer group has not committed
 * yet, summed over the topic's partitions, read with the admin client every {@link #REFRESH_MS}.
 * For the ERP poster's group on {@code orders.accepted.v1} it is the queue in front of the ERP. It
 * describes the whole group, not this instance's share, so every instance reports the same value:
 * aggregate with {@code max}. A partition the group never committed counts from its earliest record.
 */
public final class ConsumerGroupLag {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroupLag.class);
  static final long REFRESH_MS = 5_000;

  private final KafkaAdminClient admin;
  private final MeterRegistry registry;
  private final Map<String, List<String>> topicsByGroup;
  private final Map<String, AtomicLong> lags = new ConcurrentHashMap<>();

  /** @param topicsByGroup consumer group → the topics it consumes */
  public ConsumerGroupLag(KafkaAdminClient admin, MeterRegistry registry, Map<String, List<String>> topicsByGroup) {
    this.admin = admin;
    this.registry = registry;
    this.topicsByGroup = topicsByGroup;
    topicsByGroup.forEach((group, topics) -> topics.forEach(topic -> {
      AtomicLong lag = new AtomicLong();
      lags.put(group + '/' + topic, lag);
      Gauge.builder("gateway_consumer_lag_records", lag, AtomicLong::get).tag("group", group).tag("topic", topic)
          .description("Records the consumer group has not committed yet (whole group; same on every instance)")
          .register(registry);
    }));
  }

  /** Reads now and then every {@link #REFRESH_MS}; returns the timer id. */
  public long start(Vertx vertx) {
    refresh();
    return vertx.setPeriodic(REFRESH_MS, id -> refresh());
  }

  void refresh() {
    topicsByGroup.forEach((group, topics) -> measure(group, topics).onFailure(e -> {
      registry.counter("gateway_consumer_lag_failures_total", "group", group).increment();
      LOG.debug("consumer lag of {} not measured: {}", group, e.toString());
    }));
  }

  private Future<Void> measure(String group, List<String> topics) {
    return admin.describeTopics(topics).compose(descriptions -> {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      for (TopicDescription description : descriptions.values()) {
        description.getPartitions().forEach(p -> {
          TopicPartition tp = new TopicPartition(description.getName(), p.getPartition());
          latest.put(tp, OffsetSpec.LATEST);
          earliest.put(tp, OffsetSpec.EARLIEST);
        });
      }
      Future<Map<TopicPartition, ListOffsetsResultInfo>> ends = admin.listOffsets(latest);
      Future<Map<TopicPartition, ListOffsetsResultInfo>> starts = admin.listOffsets(earliest);
      Future<Map<TopicPartition, OffsetAndMetadata>> committed = admin.listConsumerGroupOffsets(group);
      return Future.all(ends, starts, committed).map(all -> {
        Map<String, Long> byTopic = new HashMap<>();
        ends.result().forEach((tp, end) -> {
          OffsetAndMetadata done = committed.result().get(tp);
          long from = done != null ? done.getOffset() : starts.result().get(tp).getOffset();
          byTopic.merge(tp.getTopic(), Math.max(0, end.getOffset() - from), Long::sum);
        });
        byTopic.forEach((topic, lag) -> {
          AtomicLong gauge = lags.get(group + '/' + topic);
          if (gauge != null) {
            gauge.set(lag);
          }
        });
        return null;
      });
    });
  }
}
