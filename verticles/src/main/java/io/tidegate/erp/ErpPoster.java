package io.tidegate.erp;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.tidegate.config.ErpSettings;
import io.tidegate.config.KafkaSettings;
import io.tidegate.kafka.EventPublisher;
import io.tidegate.kafka.KafkaClients;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * {@code erp.maxAttempts}. A poll's offsets are committed only after every outcome of the poll is
 * on Kafka; after a crash the uncommitted orders are posted again, which the ERP's idempotency on
 * the order id turns into replays, not second orders.
 */
public final class ErpPoster extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ErpPoster.class);
  private static final long RESTART_MS = 1000;
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

  public ErpPoster(KafkaSettings kafka, ErpSettings settings, EventCodec codec, EventPublisher publisher,
                   OrderRepository orders, MeterRegistry registry) {
    this.kafka = kafka;
    this.settings = settings;
    this.codec = codec;
    this.publisher = publisher;
    this.orders = orders;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    client = new ErpClient(vertx, settings);
    rate = new RateGate(settings.ratePerSecond(), System::nanoTime);
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
    submitAging = Timer.builder("gateway_order_aging_seconds").tag("stage", "submitted")
        .description("Time from ACCEPTED to the stage").publishPercentileHistogram().register(registry);
    connect();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    client.close();
    return consumer == null ? Future.succeededFuture()
        : consumer.close().timeout(5, TimeUnit.SECONDS).recover(e -> Future.succeededFuture());
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
    consumer = KafkaConsumer.create(vertx, KafkaClients.groupConsumer(kafka, "erp-poster", settings.posterGroup(),
        Math.max(10, settings.concurrency() * 4)));
    consumer.exceptionHandler(e -> LOG.warn("ERP poster consumer: {}", e.toString()));
    consumer.subscribe(Topics.ORDERS_ACCEPTED)
        .onSuccess(v -> poll())
        .onFailure(e -> vertx.setTimer(RESTART_MS, id -> connect()));
  }

  private void poll() {
    if (stopped) {
      return;
    }
    consumer.poll(Duration.ofMillis(500))
        .compose(records -> records.isEmpty() ? Future.succeededFuture() : drain(records).compose(v -> consumer.commit()))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            vertx.runOnContext(v -> poll());
            return;
          }
          if (stopped) {
            return;
          }
          // Outcomes not all recorded: start over from the last commit (re-posts are ERP replays).
          LOG.warn("ERP poster batch not committed ({}); resuming from the last commit in {} ms",
              ar.cause().toString(), RESTART_MS);
          consumer.close();
          vertx.setTimer(RESTART_MS, id -> connect());
        });
  }

  /** Posts every record of the poll, {@code erp.concurrency} at a time. */
  private Future<Void> drain(KafkaConsumerRecords<String, byte[]> records) {
    List<KafkaConsumerRecord<String, byte[]>> queue = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      queue.add(records.recordAt(i));
    }
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> workers = new ArrayList<>();
    for (int w = 0; w < Math.min(settings.concurrency(), queue.size()); w++) {
      workers.add(worker(queue, next));
    }
    return Future.all(workers).mapEmpty();
  }

  private Future<Void> worker(List<KafkaConsumerRecord<String, byte[]>> queue, AtomicInteger next) {
    int i = next.getAndIncrement();
    if (i >= queue.size() || stopped) {
      return Future.succeededFuture();
    }
    return handle(queue.get(i)).compose(v -> worker(queue, next));
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
    return after(rate.reserve())
        .compose(v -> callErp(event, body))
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
          // Dead-letter only while the breaker is closed, i.e. other orders get through: when every
          // call fails it is the ERP that is broken, and the order waits for it instead.
          if (failures + 1 >= settings.maxAttempts() && !breakerOpen()) {
            return deadLetter(event, failures + 1, error);
          }
          return after(backoff.delayMs(failures)).compose(v -> attempt(event, body, failures + 1, error));
        });
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
      submitAging.record(Duration.between(event.data().acceptedAt(), Instant.now()));
      return status(event, OrderStatus.SUBMITTED, null, created.erpOrderNumber());
    }
    ErpClient.Outcome.Refused refused = (ErpClient.Outcome.Refused) outcome;
    registry.counter("gateway_erp_posts_total", "outcome", "rejected").increment();
    return status(event, OrderStatus.REJECTED, refused.reason(), null);
  }

  private Future<Void> deadLetter(EventEnvelope<OrderAccepted> event, int attempts, String lastError) {
    registry.counter("gateway_erp_posts_total", "outcome", "dead_lettered").increment();
    OrderAccepted order = event.data();
    String reason = "ERP unreachable or failing after " + attempts + " attempt(s)";
    LOG.error("order {} dead-lettered: {} (last error: {}) correlationId={}", order.orderId(), reason, lastError,
        event.correlationId());
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

  private Future<Void> after(long millis) {
    if (millis <= 0) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    vertx.setTimer(millis, id -> p.complete());
    return p.future();
  }
}
