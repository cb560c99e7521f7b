package io.tidegate.pricing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidegate.atp.FeedStatus;
import io.tidegate.config.KafkaSettings;
import io.tidegate.kafka.DeadLetters;
import io.tidegate.kafka.KafkaClients;
import io.tidegate.schemas.Topics;
import io.tidegate.schemas.events.EventCodec;
import io.tidegate.schemas.events.EventEnvelope;
import io.tidegate.schemas.events.InvalidEventException;
import io.tidegate.schemas.events.PriceRuleChanged;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link PriceBook} from {@code prices.rules.v1}, like the inventory feed: it assigns
 * itself every partition and replays the compacted topic from the beginning at each start, so every
 * gateway instance holds all rules. A version not higher than the one held for its ruleId is
 * ignored; a record that fails its schema goes to {@code prices.rules.v1.dlq} and the consumer
 * keeps going. Every version it applies is appended to {@code price_rule_versions} (batched,
 * idempotent, so replays add nothing); a failed write is logged and counted, and redone by the next replay.
 */
public final class PriceRuleFeedVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PriceRuleFeedVerticle.class);
  private static final String TOPIC = Topics.PRICE_RULES;
  private static final long RETRY_CONNECT_MS = 2000;
  private static final long CLOSE_TIMEOUT_MS = 5000;

  private final KafkaSettings kafka;
  private final int lagCheckIntervalMs;
  private final EventCodec codec;
  private final PriceBook book;
  private final PriceRuleHistory history;
  private final FeedStatus status;
  private final DeadLetters deadLetters;
  private final MeterRegistry registry;
  private final Map<Integer, Long> nextOffset = new ConcurrentHashMap<>();
  private Counter applied;
  private Counter ignored;
  private Counter deadLettered;
  private Counter historyFailed;
  private KafkaConsumer<String, byte[]> consumer;
  private Set<TopicPartition> partitions = Set.of();
  private long lagTimer = -1;
  private volatile boolean stopped;

  public PriceRuleFeedVerticle(KafkaSettings kafka, int lagCheckIntervalMs, EventCodec codec, PriceBook book,
                               PriceRuleHistory history, FeedStatus status, DeadLetters deadLetters,
                               MeterRegistry registry) {
    this.kafka = kafka;
    this.lagCheckIntervalMs = lagCheckIntervalMs;
    this.codec = codec;
    this.book = book;
    this.history = history;
    this.status = status;
    this.deadLetters = deadLetters;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    applied = records("applied");
    ignored = records("ignored");
    deadLettered = records("dead_lettered");
    historyFailed = Counter.builder("gateway_price_rule_history_failures_total")
        .description("Batches of price rule versions that could not be recorded in PostgreSQL").register(registry);
    history.onFailure(e -> {
      historyFailed.increment();
      LOG.warn("price rule versions not recorded in history (recorded again on the next replay): {}", e.toString());
    });
    consumer = KafkaConsumer.create(vertx, KafkaClients.readModelConsumer(kafka, "prices"));
    consumer.exceptionHandler(e -> LOG.warn("price rule feed consumer: {}", e.toString()));
    consumer.handler(this::onRecord);
    connect();
    lagTimer = vertx.setPeriodic(lagCheckIntervalMs, id -> checkLag());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(lagTimer);
    if (consumer == null) {
      return Future.succeededFuture();
    }
    return consumer.close().timeout(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .recover(e -> {
          LOG.warn("price rule feed consumer did not close cleanly: {}", e.toString());
          return Future.succeededFuture();
        });
  }

  private void connect() {
    consumer.partitionsFor(TOPIC)
        .compose(infos -> {
          if (infos.isEmpty()) {
            return Future.failedFuture("topic " + TOPIC + " has no partitions (does it exist?)");
          }
          partitions = infos.stream().map(i -> new TopicPartition(TOPIC, i.getPartition())).collect(Collectors.toSet());
          return consumer.assign(partitions).compose(v -> consumer.seekToBeginning(partitions));
        })
        .onSuccess(v -> LOG.info("price rule feed assigned {} partition(s) of {}", partitions.size(), TOPIC))
        .onFailure(e -> {
          if (stopped) {
            return;
          }
          LOG.warn("price rule feed not connected yet ({}); retrying in {} ms", e.getMessage(), RETRY_CONNECT_MS);
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
      if (!(event.data() instanceof PriceRuleChanged rule)) {
        deadLetter(record, "unexpected event type '" + event.type() + "' on " + TOPIC);
        return;
      }
      if (!book.apply(PriceRule.of(rule))) {
        ignored.increment();
        return;
      }
      applied.increment();
      JsonObject data = new JsonObject(Buffer.buffer(record.value())).getJsonObject("data");
      history.append(rule.ruleId(), rule.version(), data, rule.changedBy(), rule.reason());
    } catch (InvalidEventException e) {
      deadLetter(record, e.reason());
    }
  }

  private void deadLetter(KafkaConsumerRecord<String, byte[]> record, String reason) {
    deadLettered.increment();
    LOG.warn("price rule record {}-{}@{} dead-lettered: {}", record.topic(), record.partition(), record.offset(),
        reason);
    deadLetters.send(record, reason);
  }

  private void checkLag() {
    if (partitions.isEmpty() || stopped) {
      return;
    }
    consumer.endOffsets(partitions)
        .compose(ends -> consumer.beginningOffsets(partitions).map(begins -> partitions.stream()
            .mapToLong(tp -> Math.max(0, ends.getOrDefault(tp, 0L)
                - nextOffset.getOrDefault(tp.getPartition(), begins.getOrDefault(tp, 0L))))
            .sum()))
        .onSuccess(total -> {
          if (total == 0) {
            status.markInSync();
          }
        })
        .onFailure(e -> LOG.debug("price rule lag check failed: {}", e.toString()));
  }

  private Counter records(String outcome) {
    return Counter.builder("gateway_feed_records_total").tag("feed", TOPIC).tag("outcome", outcome)
        .description("Feed records by outcome").register(registry);
  }
}
