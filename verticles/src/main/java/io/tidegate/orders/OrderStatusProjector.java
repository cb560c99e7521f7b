package io.tidegate.orders;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tidegate.config.KafkaSettings;
import io.tidegate.kafka.DeadLetters;
import io.tidegate.kafka.EventPublisher;
import io.tidegate.kafka.FeedRecords;
import io.tidegate.kafka.KafkaClients;
import io.tidegate.schemas.Topics;
import io.tidegate.schemas.events.ErpOrderStatusChanged;
import io.tidegate.schemas.events.EventCodec;
import io.tidegate.schemas.events.EventEnvelope;
import io.tidegate.schemas.events.EventType;
import io.tidegate.schemas.events.InvalidEventException;
import io.tidegate.schemas.events.OrderAccepted;
import io.tidegate.schemas.events.OrderDeadLettered;
import io.tidegate.schemas.events.OrderStatus;
import io.tidegate.schemas.events.OrderStatusChanged;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the order topics into the status store (PostgreSQL), in one consumer group shared by all
 * gateway instances: {@code orders.accepted.v1} creates the order, {@code orders.status.v1} (the
 * gateway's own transitions) and {@code orders.erp-status.v1} (the ERP's progression) append to its
 * history, {@code orders.dlq.v1} lists it for the admin API. Each poll is applied in one
 * transaction and its offsets are committed only after the commit; every write is idempotent, so a
 * crash between the two replays harmlessly. A poison record never blocks: one of the ERP's feed goes
 * to {@code orders.erp-status.v1.dlq} (the ack awaited before the offset moves), one of the gateway's
 * own topics is logged and counted.
 *
 * <p>An ERP status that is new for the order (BOOKED, RELEASED, SHIPPED, INVOICED, REJECTED) is also
 * published on {@code orders.status.v1}, so that topic carries every status change the gateway
 * records. It is published before the transaction commits, with an event id derived from the ERP
 * event's: a crash in between publishes it again under the same id, and the store, which reads its
 * own copy back, records it once.
 *
 * <p>An ERP status of an order the store has no row for yet is parked ({@link ErpStatusParking}) and
 * applied, as above, by a sweep every {@value #UNPARK_INTERVAL_MS} ms once the order is there. A
 * status that comes after it directly may then be copied to {@code orders.status.v1} first; each
 * copy names the status it moved from, and the store ranks them whatever their order.
 */
public final class OrderStatusProjector extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OrderStatusProjector.class);
  public static final List<String> TOPICS = List.of(Topics.ORDERS_ACCEPTED, Topics.ORDERS_STATUS, Topics.ORDERS_ERP_STATUS,
      Topics.ORDERS_DLQ);
  private static final long RETRY_MS = 1000;
  static final long UNPARK_INTERVAL_MS = 2000;
  private static final long STOP_DRAIN_MS = 4000;
  private static final int UNPARK_BATCH = 100;

  private final KafkaSettings kafka;
  private final String group;
  private final Pool pool;
  private final OrderRepository orders;
  private final DeadLetterRepository deadLetters;
  private final EventCodec codec;
  private final EventPublisher publisher;
  private final DeadLetters erpDeadLetters;
  private final MeterRegistry registry;
  private final Timer bookedAging;
  private KafkaConsumer<String, byte[]> consumer;
  private volatile boolean stopped;
  private boolean unparking;
  /** The poll and the sweep being applied, if any: a stop waits for them. */
  private Future<Void> applying = Future.succeededFuture();
  private Future<?> sweeping = Future.succeededFuture();

  public OrderStatusProjector(KafkaSettings kafka, String group, Pool pool, EventCodec codec, EventPublisher publisher,
                              DeadLetters erpDeadLetters, MeterRegistry registry) {
    this.kafka = kafka;
    this.publisher = publisher;
    this.erpDeadLetters = erpDeadLetters;
    this.group = group;
    this.pool = pool;
    this.orders = new OrderRepository(pool);
    this.deadLetters = new DeadLetterRepository(pool);
    this.codec = codec;
    this.registry = registry;
    this.bookedAging = OrderAging.timer(registry, "booked");
    // Registered at start, so that dashboards and alerts see a 0 before the first such status.
    registry.counter("gateway_order_erp_status_parked_total");
    registry.counter("gateway_order_erp_status_unparked_total");
    for (String reason : List.of("stale_sequence", "order_final")) {
      registry.counter("gateway_order_erp_status_ignored_total", "reason", reason);
    }
  }

  @Override
  public Future<?> start() {
    consumer = KafkaConsumer.create(vertx, KafkaClients.groupConsumer(kafka, "order-status", group, 500));
    consumer.exceptionHandler(this::consumerFailed);
    vertx.setPeriodic(UNPARK_INTERVAL_MS, id -> unpark());
    return consumer.subscribe(new java.util.HashSet<>(TOPICS)).onSuccess(v -> vertx.runOnContext(x -> poll()));
  }

  /**
   * Lets a poll or sweep being applied finish first (within {@value #STOP_DRAIN_MS} ms), so that its
   * status copies still find the producer open, then closes the consumer.
   */
  @Override
  public Future<?> stop() {
    stopped = true;
    return Future.join(applying, sweeping).timeout(STOP_DRAIN_MS, TimeUnit.MILLISECONDS)
        .transform(done -> consumer.close().timeout(5, TimeUnit.SECONDS).recover(e -> Future.succeededFuture()));
  }

  private void poll() {
    if (stopped) {
      return;
    }
    consumer.poll(Duration.ofMillis(500))
        .compose(records -> records.isEmpty() ? Future.succeededFuture() : (applying = apply(records))
            // Not once stopping: a call on a closing consumer races its close (see CompactedFeedVerticle);
            // the uncommitted batch comes again and is applied idempotently.
            .compose(v -> stopped ? Future.succeededFuture() : consumer.commit()))
        .onComplete(ar -> {
          if (ar.failed()) {
            if (stopped) {
              return;
            }
            // Not committed: the batch comes again (after a seek back, or after a rebalance).
            LOG.warn("order status batch not recorded ({}); retrying in {} ms", ar.cause().toString(), RETRY_MS);
            consumer.close();
            vertx.setTimer(RETRY_MS, id -> restart());
            return;
          }
          vertx.runOnContext(v -> poll());
        });
  }

  /**
   * While stopping, vertx-kafka-client's close races its own poll (ConcurrentModificationException,
   * WakeupException): nothing is lost (offsets are committed only after a batch is recorded), so
   * that is logged at DEBUG, not as a warning at every shutdown.
   */
  private void consumerFailed(Throwable e) {
    if (stopped) {
      LOG.debug("order status consumer while closing: {}", e.toString());
    } else {
      LOG.warn("order status consumer: {}", e.toString());
    }
  }

  private void restart() {
    consumer = KafkaConsumer.create(vertx, KafkaClients.groupConsumer(kafka, "order-status", group, 500));
    consumer.exceptionHandler(this::consumerFailed);
    consumer.subscribe(new java.util.HashSet<>(TOPICS))
        .onSuccess(v -> poll())
        .onFailure(e -> vertx.setTimer(RETRY_MS, id -> restart()));
  }

  /**
   * The poll in one transaction; if PostgreSQL refuses its data (SQLSTATE class 22/23: a value no
   * column can hold), record by record instead, skipping and counting the ones it refuses, so one
   * bad record can never stall the store.
   */
  private Future<Void> apply(KafkaConsumerRecords<String, byte[]> records) {
    return applyAll(records).recover(e -> {
      if (!isDataError(e)) {
        return Future.failedFuture(e);
      }
      Future<Void> chain = Future.succeededFuture();
      for (int i = 0; i < records.size(); i++) {
        KafkaConsumerRecord<String, byte[]> record = records.recordAt(i);
        Outcome outcome = new Outcome();
        chain = chain.compose(v -> pool.withTransaction(tx -> applyOne(tx, record, outcome)
                .compose(applied -> outcome.copied()))
            .onSuccess(ok -> recordBooked(outcome.booked)).recover(err -> {
          if (!isDataError(err)) {
            return Future.failedFuture(err);
          }
          LOG.error("{} record {}@{} refused by the status store, skipped: {}", record.topic(), record.partition(),
              record.offset(), err.getMessage());
          registry.counter("gateway_order_status_poison_total", "topic", record.topic()).increment();
          return Future.succeededFuture();
        }));
      }
      return chain;
    });
  }

  private static boolean isDataError(Throwable e) {
    if (e instanceof io.vertx.pgclient.PgException pg && pg.getSqlState() != null) {
      return pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23");
    }
    return false;
  }

  /**
   * The poll in one transaction: first its new orders ({@code orders.accepted.v1}), all in one
   * statement ({@link OrderRepository#recordAccepted}), then every other record as polled. Applying
   * new orders first changes no outcome (every write is idempotent and a status is ranked, not
   * replayed in order); it lets a status that came in the same poll as its order find the order.
   */
  private Future<Void> applyAll(KafkaConsumerRecords<String, byte[]> records) {
    List<OrderRepository.NewOrder> news = new ArrayList<>();
    List<KafkaConsumerRecord<String, byte[]>> rest = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, byte[]> record = records.recordAt(i);
      OrderRepository.NewOrder order = newOrder(record);
      if (order != null) {
        news.add(order);
      } else {
        rest.add(record);
      }
    }
    Outcome outcome = new Outcome();
    return pool.withTransaction(tx -> {
      Future<Void> chain = news.isEmpty() ? Future.succeededFuture()
          : orders.recordAccepted(tx, news).map(bookedAfter -> outcome.addBooked(bookedAfter));
      for (KafkaConsumerRecord<String, byte[]> record : rest) {
        chain = chain.compose(v -> applyOne(tx, record, outcome));
      }
      return chain.compose(v -> outcome.copied());
    }).onSuccess(v -> {
      registry.counter("gateway_order_status_events_total").increment(records.size());
      recordBooked(outcome.booked);
    });
  }

  /** The record's new order, or null when it is none (another topic, a tombstone, a poison record). */
  private OrderRepository.NewOrder newOrder(KafkaConsumerRecord<String, byte[]> record) {
    if (!record.topic().equals(Topics.ORDERS_ACCEPTED) || record.value() == null) {
      return null;
    }
    try {
      EventEnvelope<?> event = FeedRecords.decode(codec, record);
      return event.data() instanceof OrderAccepted order
          ? new OrderRepository.NewOrder(order, dataOf(record), event.eventId()) : null;
    } catch (InvalidEventException e) {
      return null; // applyOne counts it and logs it
    }
  }

  /** Aging to BOOKED, recorded once the transaction that booked the orders committed. */
  private void recordBooked(List<Double> secondsFromIntake) {
    secondsFromIntake.forEach(s -> bookedAging.record(Duration.ofNanos((long) (Math.max(0, s) * 1e9))));
  }

  /** The event's {@code data} as JSON, exactly as published. */
  private static JsonObject dataOf(KafkaConsumerRecord<String, byte[]> record) {
    return new JsonObject(io.vertx.core.buffer.Buffer.buffer(record.value())).getJsonObject("data");
  }

  /** Applies one record; what it booked and copied goes to {@code outcome}. */
  private Future<Void> applyOne(SqlClient tx, KafkaConsumerRecord<String, byte[]> record, Outcome outcome) {
    EventEnvelope<?> event;
    try {
      event = record.value() == null ? null : FeedRecords.decode(codec, record);
    } catch (InvalidEventException e) {
      registry.counter("gateway_order_status_poison_total", "topic", record.topic()).increment();
      if (record.topic().equals(Topics.ORDERS_ERP_STATUS)) {
        LOG.warn("{} record {}@{} dead-lettered to {}: {}", record.topic(), record.partition(), record.offset(),
            Topics.dlqOf(record.topic()), e.reason());
        return erpDeadLetters.send(record, e.reason());
      }
      LOG.warn("{} record {}@{} skipped by the status store: {}", record.topic(), record.partition(), record.offset(),
          e.reason());
      return Future.succeededFuture();
    }
    if (event == null) {
      return Future.succeededFuture();
    }
    Object data = event.data();
    if (data instanceof OrderAccepted order) {
      return orders.recordAccepted(tx, List.of(new OrderRepository.NewOrder(order, dataOf(record), event.eventId())))
          .map(bookedAfter -> outcome.addBooked(bookedAfter));
    }
    if (data instanceof OrderStatusChanged s) {
      return orders.recordStatus(tx, s.orderId(), s.status(), s.at(), s.detail(), s.erpOrderNumber(), event.eventId())
          .map(recorded -> outcome.addBooked(recorded.bookedAfter()));
    }
    if (data instanceof ErpOrderStatusChanged s) {
      ErpStatusParking.Parked erp = new ErpStatusParking.Parked(event.eventId(), event.occurredAt(),
          event.correlationId(), s);
      return orders.head(tx, s.orderId()).compose(before -> before == null ? park(tx, erp)
          : recordErpStatus(tx, erp, before, outcome));
    }
    if (data instanceof OrderDeadLettered d) {
      return deadLetters.record(tx, d, dataOf(record).getJsonObject("order"), event.occurredAt());
    }
    return Future.succeededFuture();
  }

  /**
   * Records an ERP status of an order in the store, and copies it to {@code orders.status.v1} if new
   * (the copy's ack is awaited with the others of the transaction, before it commits). A record whose
   * {@code sequence} is not higher than one applied already is ignored (the event schema's rule: an
   * ERP resending or reordering its records does not rewrite the history), and so is any record
   * for an order that is final (REJECTED, CANCELLED): it stays as it ended.
   */
  private Future<Void> recordErpStatus(SqlClient tx, ErpStatusParking.Parked erp, OrderRepository.Head before,
                                       Outcome outcome) {
    ErpOrderStatusChanged s = erp.status();
    String ignored = before.erpSequence() != null && s.sequence() <= before.erpSequence() ? "stale_sequence"
        : before.status() == OrderStatus.REJECTED || before.status() == OrderStatus.CANCELLED ? "order_final" : null;
    if (ignored != null) {
      LOG.atInfo().addKeyValue("orderId", s.orderId()).addKeyValue("correlationId", erp.correlationId())
          .addKeyValue("event", "order.erp_status_ignored").addKeyValue("status", s.status().orderStatus())
          .addKeyValue("sequence", s.sequence()).addKeyValue("reason", ignored)
          .log("ERP status ignored ({})", ignored);
      registry.counter("gateway_order_erp_status_ignored_total", "reason", ignored).increment();
      return Future.succeededFuture();
    }
    LOG.atDebug().addKeyValue("orderId", s.orderId()).addKeyValue("correlationId", erp.correlationId())
        .addKeyValue("event", "order.erp_status").addKeyValue("status", s.status().orderStatus())
        .log("ERP status recorded");
    return orders.recordStatus(tx, s.orderId(), s.status().orderStatus(), s.at(), s.reason(), s.erpOrderNumber(),
            erp.eventId())
        .compose(recorded -> orders.recordErpSequence(tx, s.orderId(), s.sequence()).map(recorded))
        .map(recorded -> {
          outcome.addBooked(recorded.bookedAfter());
          if (recorded.added()) {
            outcome.copies.add(republish(erp, before));
          }
          return null;
        });
  }

  private Future<Void> park(SqlClient tx, ErpStatusParking.Parked erp) {
    ErpOrderStatusChanged s = erp.status();
    LOG.atInfo().addKeyValue("orderId", s.orderId()).addKeyValue("correlationId", erp.correlationId())
        .addKeyValue("event", "order.erp_status_parked").addKeyValue("status", s.status().orderStatus())
        .log("ERP status of an order not in the store (yet) parked until the order arrives");
    registry.counter("gateway_order_erp_status_parked_total").increment();
    return ErpStatusParking.park(tx, erp);
  }

  /**
   * Applies parked ERP statuses whose order has arrived, in one transaction (so a status leaves
   * the parking only with its record and its copy's ack). One sweep at a time per projector.
   */
  private void unpark() {
    if (stopped || unparking) {
      return;
    }
    unparking = true;
    Outcome outcome = new Outcome();
    sweeping = pool.withTransaction(tx -> ErpStatusParking.ready(tx, UNPARK_BATCH).compose(ready -> {
      Future<Void> chain = Future.succeededFuture();
      for (ErpStatusParking.Parked erp : ready) {
        chain = chain.compose(v -> orders.head(tx, erp.status().orderId()))
            .compose(before -> before == null ? Future.succeededFuture()
                : recordErpStatus(tx, erp, before, outcome).compose(v -> ErpStatusParking.remove(tx, erp)));
      }
      return chain.compose(v -> outcome.copied()).map(ready.size());
    })).onComplete(ar -> {
      unparking = false;
      if (ar.succeeded()) {
        recordBooked(outcome.booked);
        registry.counter("gateway_order_erp_status_unparked_total").increment(ar.result());
      } else if (!stopped) {
        LOG.warn("parked ERP statuses not applied ({}); next sweep in {} ms", ar.cause().toString(),
            UNPARK_INTERVAL_MS);
      }
    });
  }

  /** The ERP's status change as the gateway records it, on {@code orders.status.v1}. */
  private Future<Void> republish(ErpStatusParking.Parked erp, OrderRepository.Head before) {
    ErpOrderStatusChanged s = erp.status();
    OrderStatusChanged changed = new OrderStatusChanged(s.orderId(), before.channel(), s.status().orderStatus(),
        before.status(), s.reason(), s.erpOrderNumber(), s.at());
    UUID eventId = UUID.nameUUIDFromBytes(("erp-status:" + erp.eventId()).getBytes(StandardCharsets.UTF_8));
    EventType type = EventType.ORDER_STATUS_CHANGED;
    return publisher.publish(new EventEnvelope<>(eventId, type.typeName(), type.schemaVersion(), erp.occurredAt(),
        erp.correlationId(), "tidegate-status", changed)).mapEmpty();
  }

  /**
   * What one transaction did besides its writes: the seconds from intake to booking of the orders it
   * booked (recorded once it commits), and the acks of the status copies it published (awaited
   * before it commits, all together rather than one after the other).
   */
  private static final class Outcome {
    private final List<Double> booked = new ArrayList<>();
    private final List<Future<Void>> copies = new ArrayList<>();

    Void addBooked(Double secondsFromIntake) {
      if (secondsFromIntake != null) {
        booked.add(secondsFromIntake);
      }
      return null;
    }

    Void addBooked(List<Double> secondsFromIntake) {
      booked.addAll(secondsFromIntake);
      return null;
    }

    Future<Void> copied() {
      return Future.all(copies).mapEmpty();
    }
  }
}
