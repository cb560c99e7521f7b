package io.tidegate.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidegate.config.KafkaSettings;
import io.tidegate.schemas.events.EventCodec;
import io.tidegate.schemas.events.EventEnvelope;
import io.tidegate.schemas.events.InvalidEventException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a read model in step with a compacted feed topic. It assigns itself every partition and
 * replays the topic from the beginning at each start, so every gateway instance holds the whole
 * model. Each valid event goes to the feed's {@link Sink}; a record that fails its schema (or that
 * the sink refuses) goes to the feed's {@code .dlq} topic and the consumer keeps going. A timer
 * compares what was applied with the log end and marks the {@link FeedStatus} in sync when nothing
 * is left. Metrics: records by outcome, lag per partition, staleness.
 */
public final class CompactedFeedVerticle extends VerticleBase {

  /** What one feed does with a valid event. */
  public interface Sink {
    /**
     * @return true if the event changed the model, false if it was a duplicate or out of date
     * @throws InvalidEventException if the event does not belong on this feed
     */
    boolean apply(EventEnvelope<?> event, byte[] value) throws InvalidEventException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(CompactedFeedVerticle.class);
  private static final long RETRY_CONNECT_MS = 2000;
  private static final long CLOSE_TIMEOUT_MS = 5000;
  private static final String STOPPING = "the feed is stopping";
  /** Longest run of record applications in one event-loop task. */
  static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final String topic;
  private final KafkaSettings kafka;
  private final int lagCheckIntervalMs;
  private final EventCodec codec;
  private final Sink sink;
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
  private long lookbackMs = -1;

  public CompactedFeedVerticle(String topic, KafkaSettings kafka, int lagCheckIntervalMs, EventCodec codec, Sink sink,
                               FeedStatus status, DeadLetters deadLetters, MeterRegistry registry) {
    this.topic = topic;
    this.kafka = kafka;
    this.lagCheckIntervalMs = lagCheckIntervalMs;
    this.codec = codec;
    this.sink = sink;
    this.status = status;
    this.deadLetters = deadLetters;
    this.registry = registry;
  }

  /**
   * Starts each partition at the first record not older than {@code lookbackMs} instead of the
   * beginning: for feeds whose old records no longer matter (soft reservations expire).
   */
  public CompactedFeedVerticle startingFrom(long lookbackMs) {
    this.lookbackMs = lookbackMs;
    return this;
  }

  @Override
  public Future<?> start() {
    applied = records("applied");
    ignored = records("ignored");
    deadLettered = records("dead_lettered");
    Gauge.builder("gateway_read_model_staleness_seconds", status,
            s -> (System.currentTimeMillis() - s.asOf().toEpochMilli()) / 1000.0)
        .tag("feed", topic).description("Seconds since the read model was last confirmed in sync with its feed")
        .register(registry);
    consumer = KafkaConsumer.create(vertx, KafkaClients.readModelConsumer(kafka, topic));
    consumer.exceptionHandler(e -> {
      if (stopped) {
        // vertx-kafka-client's close races its own poll loop (ConcurrentModificationException,
        // WakeupException, "already closed"); this consumer commits nothing, so the race loses
        // nothing and is not worth a warning at every shutdown.
        LOG.debug("{} consumer while closing: {}", topic, e.toString());
      } else {
        LOG.warn("{} consumer: {}", topic, e.toString());
      }
    });
    // Records are applied a poll at a time, not one event-loop task per record: replaying a million
    // records at start-up is dominated by per-record dispatch otherwise. A poll (up to 10,000
    // records) is applied in slices of at most SLICE_NANOS each, with the consumer paused in
    // between, so the HTTP requests and database replies sharing this event loop are not held up
    // for seconds (a cold JVM took 2-6 s per poll of price rules). The record handler must be set
    // for the stream to flow.
    consumer.batchHandler(batch -> applyFrom(batch, 0));
    consumer.handler(record -> { });
    connect();
    lagTimer = vertx.setPeriodic(lagCheckIntervalMs, id -> checkLag());
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
          LOG.warn("{} consumer did not close cleanly: {}", topic, e.toString());
          return Future.succeededFuture();
        });
  }

  /**
   * Assigns all partitions and seeks to the start; retries in the background while the broker is
   * unreachable. The stream stays paused until the seek is done: a poll between the assignment and
   * the seek would deliver records that the seek then delivers again.
   */
  private void connect() {
    if (stopped) {
      return;
    }
    consumer.pause();
    consumer.partitionsFor(topic)
        .compose(infos -> {
          if (infos.isEmpty()) {
            return Future.failedFuture("topic " + topic + " has no partitions (does it exist?)");
          }
          partitions = infos.stream().map(i -> new TopicPartition(topic, i.getPartition())).collect(Collectors.toSet());
          partitions.forEach(tp -> Gauge.builder("gateway_feed_lag_records", lag,
                  m -> m.getOrDefault(tp.getPartition(), -1L))
              .tag("feed", topic).tag("partition", Integer.toString(tp.getPartition()))
              .description("Records in the feed not yet applied to the read model (-1 = unknown)")
              .register(registry));
          return unlessStopped(() -> consumer.assign(partitions)).compose(v -> unlessStopped(() -> lookbackMs < 0
              ? consumer.seekToBeginning(partitions)
              : seekToTime(System.currentTimeMillis() - lookbackMs)));
        })
        .compose(v -> unlessStopped(() -> {
          LOG.info("{} feed assigned {} partition(s)", topic, partitions.size());
          consumer.resume();
          return Future.succeededFuture();
        }))
        .onFailure(e -> {
          if (stopped) {
            return;
          }
          LOG.warn("{} feed not connected yet ({}); retrying in {} ms", topic, e.getMessage(), RETRY_CONNECT_MS);
          vertx.setTimer(RETRY_CONNECT_MS, id -> connect());
        });
  }

  private Future<Void> seekToTime(long timestamp) {
    // No record that recent: start at the end offset as of now, explicitly; seekToEnd() is lazy and
    // would skip a record appended before the first fetch.
    return consumer.endOffsets(partitions).compose(ends -> Future.join(partitions.stream()
        .map(tp -> unlessStopped(() -> consumer.offsetsForTimes(tp, timestamp))
            .compose(found -> unlessStopped(() -> {
              long start = found == null ? ends.getOrDefault(tp, 0L) : found.getOffset();
              // The lag check counts from here, not from the beginning of the partition.
              nextOffset.put(tp.getPartition(), start);
              return consumer.seek(tp, start);
            })))
        .toList())).mapEmpty();
  }

  /**
   * Applies the records of a poll from {@code from} on for at most {@link #SLICE_NANOS}; when some
   * are left, pauses the consumer and continues in a later event-loop task.
   */
  private void applyFrom(KafkaConsumerRecords<String, byte[]> batch, int from) {
    if (stopped) {
      return;
    }
    long deadline = System.nanoTime() + SLICE_NANOS;
    int i = from;
    while (i < batch.size()) {
      onRecord(batch.recordAt(i++));
      if (i < batch.size() && System.nanoTime() - deadline >= 0) {
        if (from == 0) {
          consumer.pause();
        }
        int next = i;
        context.runOnContext(v -> applyFrom(batch, next));
        return;
      }
    }
    if (from > 0) {
      consumer.resume();
    }
  }

  private void onRecord(KafkaConsumerRecord<String, byte[]> record) {
    nextOffset.put(record.partition(), record.offset() + 1);
    if (record.value() == null) {
      ignored.increment();
      return;
    }
    try {
      (sink.apply(FeedRecords.decode(codec, record), record.value()) ? applied : ignored).increment();
    } catch (RuntimeException e) {
      // A bug in a sink must not stop the feed (the rest of the poll would be skipped).
      ignored.increment();
      LOG.error("{} record {}@{} could not be applied", topic, record.partition(), record.offset(), e);
    } catch (InvalidEventException e) {
      if (deadLetters == null) {
        // A feed every instance reads (soft reservations): the order status projector, one
        // consumer group for all instances, dead-letters the record once.
        ignored.increment();
        LOG.debug("{} record {}@{} skipped: {}", topic, record.partition(), record.offset(), e.reason());
        return;
      }
      deadLettered.increment();
      LOG.warn("{} record {}@{} dead-lettered: {}", topic, record.partition(), record.offset(), e.reason());
      deadLetters.send(record, e.reason());
    }
  }

  private void checkLag() {
    if (partitions.isEmpty() || stopped) {
      return;
    }
    long readAt = status.nowMillis();
    consumer.endOffsets(partitions)
        .compose(ends -> unlessStopped(() -> consumer.beginningOffsets(partitions)).map(begins -> {
          Map<Integer, Long> endOf = new HashMap<>();
          Map<Integer, Long> applied = new HashMap<>();
          for (TopicPartition tp : partitions) {
            long next = nextOffset.getOrDefault(tp.getPartition(), begins.getOrDefault(tp, 0L));
            long end = ends.getOrDefault(tp, 0L);
            lag.put(tp.getPartition(), Math.max(0, end - next));
            endOf.put(tp.getPartition(), end);
            applied.put(tp.getPartition(), next);
          }
          status.checked(readAt, endOf, applied);
          return null;
        }))
        .onFailure(e -> LOG.debug("{} lag check failed: {}", topic, e.toString()));
  }

  /**
   * The next call of a chain on the consumer, unless the verticle is stopping. A call made while
   * the consumer closes makes vertx-kafka-client start a second worker thread on the same
   * KafkaConsumer; the close then races it and can fail without completing its future (seen in
   * tests: "did not close cleanly" after 5 s when a lag check's second call came after the stop).
   * Runs on the verticle's context, as {@link #stop} does, so the flag needs no lock.
   */
  private <T> Future<T> unlessStopped(Supplier<Future<T>> call) {
    return stopped ? Future.failedFuture(STOPPING) : call.get();
  }

  private Counter records(String outcome) {
    return Counter.builder("gateway_feed_records_total").tag("feed", topic).tag("outcome", outcome)
        .description("Feed records by outcome").register(registry);
  }
}
