package io.tidegate.atp;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidegate.config.AtpSettings;
import io.tidegate.config.KafkaSettings;
import io.tidegate.kafka.DeadLetters;
import io.tidegate.kafka.KafkaClients;
import io.tidegate.schemas.Topics;
import io.tidegate.schemas.events.EventCodec;
import io.tidegate.schemas.events.EventEnvelope;
import io.tidegate.schemas.events.InvalidEventException;
import io.tidegate.schemas.events.InventoryPositionChanged;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link InventoryReadModel} from {@code inventory.positions.v1}. It assigns itself every
 * partition and replays the compacted topic from the beginning, so each gateway instance holds
 * the whole model. Duplicates and out-of-order records are ignored by sequence; a record that fails
 * its schema goes to {@code inventory.positions.v1.dlq} and the consumer keeps going. A timer
 * compares what was applied with the log end and marks the model in sync when nothing is left.
 */
public final class InventoryFeedVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(InventoryFeedVerticle.class);
  private static final String TOPIC = Topics.INVENTORY_POSITIONS;
  private static final long RETRY_CONNECT_MS = 2000;
  private static final long CLOSE_TIMEOUT_MS = 5000;

  private final KafkaSettings kafka;
  private final AtpSettings settings;
  private final EventCodec codec;
  private final InventoryReadModel model;
  private final FeedStatus status;
  private final DeadLetters deadLetters;
  private final MeterRegistry registry;
  private final Map<Integer, Long> nextOffset = new ConcurrentHashMap<>();
  private final Map<Integer, Long> lag = new ConcurrentHashMap<>();
  private Counter applied;
  private Counter ignored;
  private Counter deadLettered;
  private KafkaConsumer<String, byte[]> consumer;
  private Set<TopicPartition> partitions = Set.of();
  private long lagTimer = -1;
  private volatile boolean stopped;

  public InventoryFeedVerticle(KafkaSettings kafka, AtpSettings settings, EventCodec codec, InventoryReadModel model,
                               FeedStatus status, DeadLetters deadLetters, MeterRegistry registry) {
    this.kafka = kafka;
    this.settings = settings;
    this.codec = codec;
    this.model = model;
    this.status = status;
    this.deadLetters = deadLetters;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    applied = records("applied");
    ignored = records("ignored");
    deadLettered = records("dead_lettered");
    Gauge.builder("gateway_read_model_staleness_seconds", status,
            s -> (System.currentTimeMillis() - s.asOf().toEpochMilli()) / 1000.0)
        .tag("feed", TOPIC).description("Seconds since the read model was last confirmed in sync with its feed")
        .register(registry);
    consumer = KafkaConsumer.create(vertx, KafkaClients.readModelConsumer(kafka, "inventory"));
    consumer.exceptionHandler(e -> LOG.warn("inventory feed consumer: {}", e.toString()));
    // One event-loop task per poll, not per record: replaying a million positions at start-up is
    // dominated by per-record dispatch otherwise. The record handler must be set for the stream to flow.
    consumer.batchHandler(batch -> {
      for (int i = 0; i < batch.size(); i++) {
        onRecord(batch.recordAt(i));
      }
    });
    consumer.handler(record -> { });
    connect();
    lagTimer = vertx.setPeriodic(settings.lagCheckIntervalMs(), id -> checkLag());
    return Future.succeededFuture();
  }

  /**
   * Cancels the lag timer first (a lag query racing the close upsets the Kafka consumer), then
   * closes the consumer, never waiting longer than {@link #CLOSE_TIMEOUT_MS}.
   */
  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(lagTimer);
    if (consumer == null) {
      return Future.succeededFuture();
    }
    return consumer.close().timeout(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .recover(e -> {
          LOG.warn("inventory feed consumer did not close cleanly: {}", e.toString());
          return Future.succeededFuture();
        });
  }

  /** Assigns all partitions; retries in the background while the broker is unreachable. */
  private void connect() {
    consumer.partitionsFor(TOPIC)
        .compose(infos -> {
          if (infos.isEmpty()) {
            return Future.failedFuture("topic " + TOPIC + " has no partitions (does it exist?)");
          }
          partitions = infos.stream().map(i -> new TopicPartition(TOPIC, i.getPartition())).collect(Collectors.toSet());
          partitions.forEach(tp -> Gauge.builder("gateway_feed_lag_records", lag,
                  m -> m.getOrDefault(tp.getPartition(), -1L))
              .tag("feed", TOPIC).tag("partition", Integer.toString(tp.getPartition()))
              .description("Records in the feed not yet applied to the read model (-1 = unknown)")
              .register(registry));
          return consumer.assign(partitions).compose(v -> consumer.seekToBeginning(partitions));
        })
        .onSuccess(v -> LOG.info("inventory feed assigned {} partition(s) of {}", partitions.size(), TOPIC))
        .onFailure(e -> {
          if (stopped) {
            return;
          }
          LOG.warn("inventory feed not connected yet ({}); retrying in {} ms", e.getMessage(), RETRY_CONNECT_MS);
          vertx.setTimer(RETRY_CONNECT_MS, id -> connect());
        });
  }

  private void onRecord(KafkaConsumerRecord<String, byte[]> record) {
    nextOffset.put(record.partition(), record.offset() + 1);
    if (record.value() == null) {
      ignored.increment();
      return;
    }
    try {
      EventEnvelope<?> event = codec.decode(record.value());
      if (!(event.data() instanceof InventoryPositionChanged position)) {
        deadLetter(record, "unexpected event type '" + event.type() + "' on " + TOPIC);
        return;
      }
      (model.apply(position.sku(), toPosition(position)) ? applied : ignored).increment();
    } catch (InvalidEventException e) {
      deadLetter(record, e.reason());
    }
  }

  private void deadLetter(KafkaConsumerRecord<String, byte[]> record, String reason) {
    deadLettered.increment();
    LOG.warn("inventory record {}-{}@{} dead-lettered: {}", record.topic(), record.partition(), record.offset(), reason);
    deadLetters.send(record, reason);
  }

  private static LocationPosition toPosition(InventoryPositionChanged e) {
    return new LocationPosition(e.location(), e.sequence(), e.onHand(), e.allocated(), e.damaged(), e.safetyStock(),
        e.inTransit() == null ? java.util.List.of()
            : e.inTransit().stream().map(t -> new LocationPosition.Supply(t.quantity(), t.expectedDate())).toList());
  }

  private void checkLag() {
    if (partitions.isEmpty() || stopped) {
      return;
    }
    consumer.endOffsets(partitions)
        .compose(ends -> consumer.beginningOffsets(partitions).map(begins -> {
          long total = 0;
          for (TopicPartition tp : partitions) {
            long end = ends.getOrDefault(tp, 0L);
            long next = nextOffset.getOrDefault(tp.getPartition(), begins.getOrDefault(tp, 0L));
            long behind = Math.max(0, end - next);
            lag.put(tp.getPartition(), behind);
            total += behind;
          }
          return total;
        }))
        .onSuccess(total -> {
          if (total == 0) {
            status.markInSync();
          }
        })
        .onFailure(e -> LOG.debug("inventory lag check failed: {}", e.toString()));
  }

  private Counter records(String outcome) {
    return Counter.builder("gateway_feed_records_total").tag("feed", TOPIC).tag("outcome", outcome)
        .description("Feed records by outcome").register(registry);
  }
}
