package io.tidegate.erp;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.tidegate.config.ErpSettings;
import io.tidegate.config.KafkaSettings;
import io.tidegate.kafka.EventPublisher;
import io.tidegate.kafka.KafkaClients;
import io.tidegate.orders.OrderLog;
import io.tidegate.orders.OrderRepository;
import io.tidegate.orders.StatusRank;
import io.tidegate.schemas.Topics;
import io.tidegate.schemas.events.EventCodec;
import io.tidegate.schemas.events.EventEnvelope;
import io.tidegate.schemas.events.EventType;
import io.tidegate.schemas.events.InvalidEventException;
import io.tidegate.schemas.events.OrderAccepted;
import io.tidegate.schemas.events.OrderDeadLettered;
import io.tidegate.schemas.events.OrderStatus;
import io.tidegate.schemas.events.OrderStatusChanged;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.common.TopicPartition;
import java.util.Map;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains {@code orders.accepted.v1} into the ERP at the ERP's pace: a consumer group shared by all
 * gateway instances; per process at most {@code erp.ratePerSecond} posts per second and
 * {@code erp.concurrency} in flight. A 429 pauses every post for its Retry-After; 5xx and time-outs
 * are retried with exponential backoff and full jitter; the {@code erp} circuit breaker stops the
 * calls while the ERP is down and lets a probe through every {@code erp.breakerResetMs}. An outage
 * (503, connection refused, breaker open) costs an order no attempt: it waits for the ERP, however
 * long. Attempts count failures of this order (500, time-out) and dead-letter it only while the
 * breaker is closed (other orders get through). Outcomes: SUBMITTED (with the ERP's order number), REJECTED (a
 * permanent 4xx, with the ERP's reason), or FAILED plus an {@code orders.dlq.v1} record after
 * {@code erp.maxAttempts}. Records are handled continuously (no batch barrier: the slowest order of
 * a poll does not hold up the rest) and an offset is committed only after the outcome of its
 * record and of every earlier record of the partition is on Kafka ({@link OffsetTracker}); after a
 * crash the uncommitted orders are posted again, which the ERP's idempotency on the order id turns
 * into replays, not second orders.
 */
public final class ErpPoster extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ErpPoster.class);
  private static final long RESTART_MS = 1000;
  private static final long STOP_DRAIN_MS = 4000;
  private static final String SOURCE = "tidegate-erp-poster";

  private final KafkaSettings kafka;
  private final ErpSettings settings;
  private final EventCodec codec;
  private final EventPublisher publisher;
  private final OrderRepository orders;
  private final MeterRegistry registry;
  private final AtomicInteger inFlight = new AtomicInteger();
  private ErpClient client;
  private CircuitBreaker breaker;
  private RateGate rate;
  private Backoff backoff;
  private Timer postTimer;
  private Timer submitAging;
  private KafkaConsumer<String, byte[]> consumer;
  private volatile boolean stopped;
  private final java.util.ArrayDeque<KafkaConsumerRecord<String, byte[]>> queue = new java.util.ArrayDeque<>();
  private final OffsetTracker offsets = new OffsetTracker();
  private final int window;
  private final int handlers;
  private int active;
  /** Completed when the last record being handled finishes after the stop began. */
  private Promise<Void> idle;
  private int erpCalls;
  private final java.util.ArrayDeque<Promise<Void>> waitingForCall = new java.util.ArrayDeque<>();
  private boolean polling;
  /** The current consumer has subscribed; false while a restart waits to reconnect. */
  private boolean subscribed;
  private long generation;
  private long commitTimer = -1;

  public ErpPoster(KafkaSettings kafka, ErpSettings settings, EventCodec codec, EventPublisher publisher,
                   OrderRepository orders, MeterRegistry registry) {
    this.kafka = kafka;
    this.settings = settings;
    this.codec = codec;
    this.publisher = publisher;
    this.orders = orders;
    this.registry = registry;
    this.window = Math.max(50, Math.max(settings.concurrency() * 4, settings.ratePerSecond() * 2));
    this.handlers = settings.concurrency() * 4;
  }

  @Override
  public Future<?> start() {
    client = new ErpClient(vertx, settings);
    rate = new RateGate(settings.ratePerSecond(), settings.burst(), System::nanoTime);
    backoff = new Backoff(settings.backoffInitialMs(), settings.backoffMaxMs(), () -> ThreadLocalRandom.current().nextDouble());
    breaker = CircuitBreaker.create("erp", vertx, new CircuitBreakerOptions()
        .setMaxFailures(settings.breakerFailures())
        .setTimeout(settings.timeoutMs() + 500L)
        .setResetTimeout(settings.breakerResetMs()));
    breaker.openHandler(v -> LOG.warn("ERP circuit breaker OPEN: posts stop, a probe follows in {} ms",
        settings.breakerResetMs()));
    breaker.closeHandler(v -> LOG.info("ERP circuit breaker closed: posting resumes"));
    registry.gauge("gateway_circuit_breaker_open", Tags.of("name", "erp"), this, p -> p.breakerOpen() ? 1 : 0);
    registry.gauge("gateway_erp_posts_in_flight", inFlight);
    postTimer = Timer.builder("gateway_erp_post_seconds").description("ERP POST /orders latency, every attempt")
        .publishPercentileHistogram().register(registry);
    submitAging = io.tidegate.orders.OrderAging.timer(registry, "submitted");
    connect();
    commitTimer = vertx.setPeriodic(500, id -> {
      commitNow();
      fill(); // commits free room for more uncommitted records
    });
    return Future.succeededFuture();
  }

  /**
   * Takes no new record; lets the records being handled finish (their ERP calls are under way and
   * their outcomes go to Kafka while the producer is still open), for at most
   * {@value #STOP_DRAIN_MS} ms; commits what finished, and only then closes the consumer. Whatever
   * did not finish comes again after the restart, and the ERP answers its post as a replay.
   */
  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(commitTimer);
    Future<Void> finished = active == 0 ? Future.succeededFuture() : (idle = Promise.promise()).future();
    return finished.timeout(STOP_DRAIN_MS, TimeUnit.MILLISECONDS).recover(e -> Future.succeededFuture())
        .compose(v -> commitNow().recover(e -> Future.succeededFuture()))
        .compose(v -> {
          client.close();
          return consumer == null ? Future.succeededFuture()
              : consumer.close().timeout(5, TimeUnit.SECONDS).recover(e -> Future.succeededFuture());
        });
  }

  /** {@code closed}, {@code open} or {@code half_open}. */
  public String breakerState() {
    return breaker == null ? "closed" : breaker.state().name().toLowerCase();
  }

  boolean breakerOpen() {
    return breaker != null && breaker.state() != CircuitBreakerState.CLOSED;
  }

  private void connect() {
    if (stopped) {
      return;
    }
    generation++;
    subscribed = false;
    queue.clear();
    offsets.clear();
    long gen = generation;
    consumer = KafkaConsumer.create(vertx, KafkaClients.groupConsumer(kafka, "erp-poster", settings.posterGroup(),
        window));
    consumer.exceptionHandler(e -> {
      if (stopped) { // close racing the poll: offsets commit only after outcomes are recorded
        LOG.debug("ERP poster consumer while closing: {}", e.toString());
      } else {
        LOG.warn("ERP poster consumer: {}", e.toString());
      }
    });
    consumer.partitionsRevokedHandler(revoked -> {
      commitNow();
      queue.removeIf(r -> revoked.contains(partitionOf(r)));
      offsets.forget(revoked);
    });
    consumer.subscribe(Topics.ORDERS_ACCEPTED)
        .onSuccess(v -> {
          if (gen == generation) {
            subscribed = true;
            fill();
          }
        })
        .onFailure(e -> vertx.setTimer(RESTART_MS, id -> connect()));
  }

  /**
   * Keeps up to {@code window} records waiting or being handled: polls whenever there is room, so
   * the workers never wait for the slowest record of a batch (the drain keeps the configured rate).
   * Finished records count no more, even while an earlier, slower record of their partition keeps
   * them uncommitted, so one slow ERP answer does not stop the polls. Uncommitted records are still
   * bounded, at {@code 10 x window}, so that a record stuck for long (an ERP outage) cannot grow
   * them without end.
   */
  private void fill() {
    if (stopped || !subscribed || polling || queue.size() + active >= window || offsets.size() >= 10 * window) {
      return;
    }
    polling = true;
    long gen = generation;
    consumer.poll(Duration.ofMillis(200)).onComplete(ar -> {
      polling = false;
      if (gen != generation || stopped) {
        return;
      }
      if (ar.failed()) {
        restart(ar.cause());
        return;
      }
      KafkaConsumerRecords<String, byte[]> records = ar.result();
      for (int i = 0; i < records.size(); i++) {
        KafkaConsumerRecord<String, byte[]> record = records.recordAt(i);
        queue.add(record);
        offsets.started(partitionOf(record), record.offset());
      }
      pump();
      vertx.runOnContext(v -> fill());
    });
  }

  /**
   * Starts records while fewer than {@code 4 x erp.concurrency} are being handled: only the ERP
   * call itself (with its wait for the rate) takes one of the {@code erp.concurrency} ERP slots, so
   * the status look-up before it and the outcome's Kafka write after it do not cost the ERP's pace.
   */
  private void pump() {
    while (active < handlers && !queue.isEmpty() && !stopped) {
      KafkaConsumerRecord<String, byte[]> record = queue.poll();
      long gen = generation;
      active++;
      handle(record).onComplete(ar -> {
        active--;
        if (stopped) {
          finishedWhileStopping(record, ar.succeeded() && gen == generation);
          return;
        }
        if (gen != generation) {
          return; // a record of a consumer that was restarted: it comes again from the last commit
        }
        if (ar.failed()) {
          restart(ar.cause());
          return;
        }
        offsets.finished(partitionOf(record), record.offset());
        pump();
        fill();
      });
    }
  }

  /** A record finished after the stop began: counted as done if it was, and the stop told when none is left. */
  private void finishedWhileStopping(KafkaConsumerRecord<String, byte[]> record, boolean done) {
    if (done) {
      offsets.finished(partitionOf(record), record.offset());
    }
    if (active == 0 && idle != null) {
      idle.tryComplete();
    }
  }

  /** Commits, per partition, the offset after the longest prefix of finished records. */
  private Future<Void> commitNow() {
    if (consumer == null) {
      return Future.succeededFuture();
    }
    Map<TopicPartition, OffsetAndMetadata> ready = offsets.committable();
    if (ready.isEmpty()) {
      return Future.succeededFuture();
    }
    return consumer.commit(ready).<Void>mapEmpty().onFailure(e -> LOG.warn("ERP poster commit failed ({}); those "
        + "orders may be posted again, which the ERP answers as replays", e.toString()));
  }

  /** An outcome could not be recorded: start over from the last commit (re-posts are ERP replays). */
  private void restart(Throwable cause) {
    if (stopped) {
      return;
    }
    LOG.warn("ERP poster outcome not recorded ({}); resuming from the last commit in {} ms", cause.toString(),
        RESTART_MS);
    generation++;
    subscribed = false;
    queue.clear();
    offsets.clear();
    consumer.close();
    vertx.setTimer(RESTART_MS, id -> connect());
  }

  private static TopicPartition partitionOf(KafkaConsumerRecord<String, byte[]> record) {
    return new TopicPartition(record.topic(), record.partition());
  }

  private Future<Void> handle(KafkaConsumerRecord<String, byte[]> record) {
    EventEnvelope<OrderAccepted> event;
    try {
      event = codec.decode(record.value(), OrderAccepted.class);
    } catch (InvalidEventException e) {
      LOG.warn("orders.accepted.v1 {}@{} is not an order ({}); skipped", record.partition(), record.offset(), e.reason());
      registry.counter("gateway_erp_posts_total", "outcome", "poison").increment();
      return Future.succeededFuture();
    }
    JsonObject body = new JsonObject(Buffer.buffer(record.value())).getJsonObject("data");
    body.remove("acceptedAt"); // the same order must post the same body, whichever record carries it
    return orders.statusRank(event.data().orderId())
        .recover(e -> Future.succeededFuture(-1)) // store down: post anyway, the ERP deduplicates
        .compose(rank -> rank >= StatusRank.of(OrderStatus.SUBMITTED)
            ? skipDuplicate(event)
            : attempt(event, body, 0, null));
  }

  private Future<Void> skipDuplicate(EventEnvelope<OrderAccepted> event) {
    registry.counter("gateway_erp_posts_total", "outcome", "already_submitted").increment();
    return Future.succeededFuture();
  }

  private Future<Void> attempt(EventEnvelope<OrderAccepted> event, JsonObject body, int failures, String lastError) {
    if (stopped) {
      return Future.failedFuture("stopping");
    }
    return withErpSlot(() -> after(rate.reserve()).compose(v -> callErp(event, body)))
        .transform(ar -> {
          if (ar.succeeded()) {
            return onAnswer(event, body, failures, ar.result());
          }
          if (ar.cause() instanceof OpenCircuitException) {
            return after(settings.breakerResetMs()).compose(v -> attempt(event, body, failures, lastError));
          }
          String error = ar.cause().getMessage() == null ? ar.cause().toString() : ar.cause().getMessage();
          if (ErpClient.isOutage(ar.cause())) {
            registry.counter("gateway_erp_posts_total", "outcome", "erp_unavailable").increment();
            return after(backoff.delayMs(failures)).compose(v -> attempt(event, body, failures, error));
          }
          registry.counter("gateway_erp_posts_total", "outcome", "retryable_error").increment();
          log(LOG.atDebug(), event).addKeyValue("event", "order.retry").addKeyValue("failures", failures + 1)
              .log("ERP post failed, retrying: {}", error);
          // Dead-letter only while the breaker is closed, i.e. other orders get through: when every
          // call fails it is the ERP that is broken, and the order waits for it instead.
          if (failures + 1 >= settings.maxAttempts() && !breakerOpen()) {
            return deadLetter(event, failures + 1, error);
          }
          return after(backoff.delayMs(failures)).compose(v -> attempt(event, body, failures + 1, error));
        });
  }

  /** Runs {@code call} in one of the {@code erp.concurrency} slots, waiting for one if all are taken. */
  private <T> Future<T> withErpSlot(java.util.function.Supplier<Future<T>> call) {
    Future<Void> slot;
    if (erpCalls < settings.concurrency()) {
      erpCalls++;
      slot = Future.succeededFuture();
    } else {
      Promise<Void> wait = Promise.promise();
      waitingForCall.add(wait);
      slot = wait.future();
    }
    return slot.compose(v -> {
      Future<T> done;
      try {
        done = call.get();
      } catch (RuntimeException e) {
        done = Future.failedFuture(e);
      }
      return done.onComplete(ar -> releaseErpSlot());
    });
  }

  private void releaseErpSlot() {
    Promise<Void> next = waitingForCall.poll();
    if (next != null) {
      next.complete(); // the slot passes to the next waiting call
    } else {
      erpCalls--;
    }
  }

  private Future<ErpClient.Outcome> callErp(EventEnvelope<OrderAccepted> event, JsonObject body) {
    long start = System.nanoTime();
    inFlight.incrementAndGet();
    return breaker.<ErpClient.Outcome>execute(promise -> client.post(event.data().orderId(), event.correlationId(), body)
            .onComplete(promise))
        .onComplete(ar -> {
          inFlight.decrementAndGet();
          postTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        });
  }

  private Future<Void> onAnswer(EventEnvelope<OrderAccepted> event, JsonObject body, int failures,
                                ErpClient.Outcome outcome) {
    if (outcome instanceof ErpClient.Outcome.RateLimited limited) {
      registry.counter("gateway_erp_posts_total", "outcome", "rate_limited").increment();
      rate.pause(limited.retryAfterMs());
      return attempt(event, body, failures, "429");
    }
    if (outcome instanceof ErpClient.Outcome.Created created) {
      registry.counter("gateway_erp_posts_total", "outcome", "submitted").increment();
      Duration aging = Duration.between(event.data().acceptedAt(), Instant.now());
      submitAging.record(aging);
      log(LOG.atInfo(), event).addKeyValue("event", "order.submitted")
          .addKeyValue("erpOrderNumber", created.erpOrderNumber()).addKeyValue("retries", failures)
          .addKeyValue("agingMs", aging.toMillis()).log("order accepted by the ERP");
      return status(event, OrderStatus.SUBMITTED, null, created.erpOrderNumber());
    }
    ErpClient.Outcome.Refused refused = (ErpClient.Outcome.Refused) outcome;
    registry.counter("gateway_erp_posts_total", "outcome", "rejected").increment();
    log(LOG.atWarn(), event).addKeyValue("event", "order.rejected").addKeyValue("reason", refused.reason())
        .log("order rejected by the ERP");
    return status(event, OrderStatus.REJECTED, refused.reason(), null);
  }

  private Future<Void> deadLetter(EventEnvelope<OrderAccepted> event, int attempts, String lastError) {
    registry.counter("gateway_erp_posts_total", "outcome", "dead_lettered").increment();
    OrderAccepted order = event.data();
    String reason = "ERP unreachable or failing after " + attempts + " attempt(s)";
    log(LOG.atError(), event).addKeyValue("event", "order.dead_lettered").addKeyValue("attempts", attempts)
        .addKeyValue("lastError", lastError).log("order dead-lettered: {}", reason);
    OrderDeadLettered dead = new OrderDeadLettered(order.orderId(), order.channel(), reason, attempts, lastError, order);
    return publisher.publish(EventEnvelope.of(EventType.ORDER_DEAD_LETTERED, event.correlationId(), SOURCE, dead))
        .compose(ack -> status(event, OrderStatus.FAILED, reason + ": " + lastError, null));
  }

  private Future<Void> status(EventEnvelope<OrderAccepted> event, OrderStatus status, String detail,
                              String erpOrderNumber) {
    OrderAccepted order = event.data();
    OrderStatusChanged changed = new OrderStatusChanged(order.orderId(), order.channel(), status, OrderStatus.ACCEPTED,
        detail, erpOrderNumber, Instant.now());
    return publisher.publish(EventEnvelope.of(EventType.ORDER_STATUS_CHANGED, event.correlationId(), SOURCE, changed))
        .mapEmpty();
  }

  private static org.slf4j.spi.LoggingEventBuilder log(org.slf4j.spi.LoggingEventBuilder line,
                                                       EventEnvelope<OrderAccepted> event) {
    return OrderLog.with(line, event.data().orderId(), event.data().channel(), event.correlationId());
  }

  private Future<Void> after(long millis) {
    if (millis <= 0) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    vertx.setTimer(millis, id -> p.complete());
    return p.future();
  }
}
