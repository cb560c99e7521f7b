package io.tidegate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidegate.config.KafkaSettings;
import io.tidegate.dev.DemoData;
import io.tidegate.dev.Eventually;
import io.tidegate.dev.TestStack;
import io.tidegate.kafka.CompactedFeedVerticle;
import io.tidegate.kafka.FeedStatus;
import io.tidegate.schemas.events.EventCodec;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A feed applies a big poll in slices and lets other work on its event loop run in between: a
 * replay at start-up must not hold up the HTTP requests and database replies that share the loop.
 * A task that keeps re-posting itself on the feed's context stands for that other work; with the
 * records applied in one go it could run only between polls.
 */
class FeedSlicingTest {

  private static final int RECORDS = 200;
  private static final long SPIN_NANOS = 2_000_000; // per record: 200 records are 400 ms of work

  @Test
  void aLongPollIsAppliedInSlicesWithOtherTasksRunningInBetweenAndTheFeedThenGoesOn() throws Exception {
    String topic = "slicing-" + UUID.randomUUID();
    TestStack stack = TestStack.get();
    stack.kafka().createTopic(topic, 1, false);
    for (int i = 0; i < RECORDS; i++) {
      publish(topic, i);
    }
    stack.producer().flush();

    AtomicInteger applied = new AtomicInteger();
    AtomicInteger ticks = new AtomicInteger();
    Set<Integer> ticksSeen = ConcurrentHashMap.newKeySet();
    Vertx vertx = Vertx.vertx();
    try {
      CompactedFeedVerticle.Sink sink = (event, value) -> {
        if (applied.get() == 0) {
          tick(Vertx.currentContext(), ticks, applied);
        }
        ticksSeen.add(ticks.get());
        long until = System.nanoTime() + SPIN_NANOS;
        while (System.nanoTime() < until) {
          Thread.onSpinWait();
        }
        applied.incrementAndGet();
        return true;
      };
      KafkaSettings kafka = new KafkaSettings(stack.kafka().bootstrapServers(), "slicing-test", "slicing", 5000,
          Map.of());
      vertx.deployVerticle(new CompactedFeedVerticle(topic, kafka, 200, new EventCodec(), sink,
          new FeedStatus(30_000, System::currentTimeMillis), null, new SimpleMeterRegistry())).await();

      Eventually.await(Duration.ofSeconds(60), "all records applied", applied::get, n -> n == RECORDS);
      // Applied in one task per poll, the other task could have run only between polls: a handful
      // of times (the 200 small records fit in one or two fetches). In slices of 10 ms it runs
      // after about every 5 records.
      assertTrue(ticksSeen.size() >= 20, "other tasks ran only " + ticksSeen.size()
          + " times while " + RECORDS + " records of 2 ms each were applied");

      publish(topic, RECORDS); // the consumer was resumed after the slices: later records still arrive
      stack.producer().flush();
      Eventually.await(Duration.ofSeconds(30), "the record after the replay applied", applied::get,
          n -> n == RECORDS + 1);
      assertEquals(RECORDS + 1, applied.get());
    } finally {
      vertx.close().await();
    }
  }

  /** Counts one tick and posts itself again, until every record is applied. */
  private static void tick(Context context, AtomicInteger ticks, AtomicInteger applied) {
    ticks.incrementAndGet();
    if (applied.get() < RECORDS) {
      context.runOnContext(v -> tick(context, ticks, applied));
    }
  }

  private static void publish(String topic, int n) {
    String sku = String.format("SLICE-%05d", n);
    JsonObject position = new JsonObject().put("sku", sku).put("location", "DC1").put("sequence", 1)
        .put("onHand", 10).put("allocated", 0).put("damaged", 0).put("safetyStock", 0).put("inTransit", new JsonArray());
    TestStack.get().producer().send(new ProducerRecord<>(topic, sku + "@DC1",
        DemoData.envelope("InventoryPositionChanged", position, "slicing-" + n)));
  }
}
