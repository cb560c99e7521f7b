package io.tidegate.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tidegate.http.ApiFailure;
import io.tidegate.schemas.Topics;
import io.tidegate.schemas.events.EventCodec;
import io.tidegate.schemas.events.EventEnvelope;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.kafka.client.producer.RecordMetadata;
import java.util.concurrent.TimeUnit;

/**
 * Publishes canonical events with the process's one producer (acks=all, idempotent): key = the
 * entity id, headers = correlation id and type. A send that fails (broker down, buffer full,
 * time-out) fails with {@link ApiFailure.DependencyUnavailable}; after a few failures in a row a
 * circuit breaker ({@code kafka}) answers at once instead of making every caller wait for the
 * time-out, and lets one probe through every couple of seconds so it recovers by itself.
 */
public final class EventPublisher {

  private static final long RETRY_AFTER_SECONDS = 2;

  private final KafkaProducer<String, byte[]> producer;
  private final EventCodec codec;
  private final CircuitBreaker breaker;
  private final Timer latency;
  private final MeterRegistry registry;

  public EventPublisher(Vertx vertx, KafkaProducer<String, byte[]> producer, EventCodec codec, long sendTimeoutMs,
                        MeterRegistry registry) {
    this.producer = producer;
    this.codec = codec;
    this.registry = registry;
    this.breaker = CircuitBreaker.create("kafka", vertx, new CircuitBreakerOptions()
        .setMaxFailures(3)
        .setTimeout(sendTimeoutMs + 1000)
        .setResetTimeout(2000));
    this.latency = Timer.builder("gateway_kafka_produce_seconds")
        .description("Time from send to acknowledgement (acks=all) of canonical events")
        .publishPercentileHistogram().register(registry);
    registry.gauge("gateway_circuit_breaker_open", io.micrometer.core.instrument.Tags.of("name", "kafka"), breaker,
        b -> b.state() == io.vertx.circuitbreaker.CircuitBreakerState.CLOSED ? 0 : 1);
  }

  /** Sends the event to its topic; completes once every in-sync replica has it. */
  public Future<RecordMetadata> publish(EventEnvelope<?> event) {
    return publish(event.topic(), event);
  }

  /** Sends the event to {@code topic} (e.g. a DLQ) instead of its own topic. */
  public Future<RecordMetadata> publish(String topic, EventEnvelope<?> event) {
    byte[] value = codec.encode(event);
    KafkaProducerRecord<String, byte[]> record = KafkaProducerRecord.create(topic, event.key(), value)
        .addHeader(KafkaHeader.header(Topics.HEADER_CORRELATION_ID, event.correlationId()))
        .addHeader(KafkaHeader.header(Topics.HEADER_TYPE, event.type()));
    long start = System.nanoTime();
    return breaker.<RecordMetadata>execute(promise -> producer.send(record).onComplete(promise))
        .onComplete(ar -> {
          latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
          if (ar.failed()) {
            registry.counter("gateway_kafka_produce_errors_total", "topic", topic).increment();
          }
        })
        .recover(e -> Future.failedFuture(new ApiFailure.DependencyUnavailable(notAcknowledged(e), RETRY_AFTER_SECONDS)));
  }

  /**
   * What a client may conclude from the failure. With the breaker open nothing was sent. Otherwise
   * the outcome is unknown: a write can time out here and still land (a broker that froze with the
   * record in hand appends it when it wakes), so the answer says so and asks for a retry with the
   * same Idempotency-Key, which names the same order and can never make a second one.
   */
  static String notAcknowledged(Throwable cause) {
    return cause instanceof io.vertx.circuitbreaker.OpenCircuitException
        ? "Kafka is unavailable; the order was not sent, nothing was accepted"
        : "Kafka did not acknowledge the order in time, so it may or may not have been accepted; retry with the"
            + " same Idempotency-Key to know: the retry names the same order and never makes a second one";
  }

  /** {@code closed}, {@code open} or {@code half_open}, for readiness details. */
  public String breakerState() {
    return breaker.state().name().toLowerCase();
  }
}
