package io.tidegate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidegate.config.KafkaSettings;
import io.tidegate.dev.Eventually;
import io.tidegate.dev.LogCapture;
import io.tidegate.dev.TestStack;
import io.tidegate.kafka.CompactedFeedVerticle;
import io.tidegate.kafka.FeedStatus;
import io.tidegate.schemas.events.EventCodec;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A feed stops at once, also in the middle of its lag check (two calls on the consumer). A call
 * made after the stop began used to start a second worker thread on the closing consumer, and the
 * close then never completed: every such stop waited out its 5 s time-out.
 */
class FeedStopTest {

  private static final int STOPS = 4;

  @Test
  void aFeedStopsAtOnceEvenWhileItsLagCheckRuns() {
    String topic = "stopping-" + UUID.randomUUID();
    TestStack stack = TestStack.get();
    stack.kafka().createTopic(topic, 3, false);
    KafkaSettings kafka = new KafkaSettings(stack.kafka().bootstrapServers(), "stop-test", "stop", 5000, Map.of());
    try (LogCapture log = LogCapture.of(CompactedFeedVerticle.class.getName())) {
      for (int i = 0; i < STOPS; i++) {
        Vertx vertx = Vertx.vertx();
        try {
          FeedStatus status = new FeedStatus(30_000, System::currentTimeMillis);
          // A lag check every millisecond: one is nearly always under way when the stop comes.
          String id = vertx.deployVerticle(new CompactedFeedVerticle(topic, kafka, 1, new EventCodec(),
              (event, value) -> true, status, null, new SimpleMeterRegistry())).await();
          Eventually.await(Duration.ofSeconds(30), "the feed in sync", status::everInSync, inSync -> inSync);
          long start = System.nanoTime();
          vertx.undeploy(id).await();
          long ms = (System.nanoTime() - start) / 1_000_000;
          // Not a timing assertion: the stuck close shows as the stop's time-out firing.
          assertEquals(0, log.lines().stream().filter(l -> l.contains("did not close cleanly")).count(),
              "stop " + (i + 1) + " took " + ms + " ms: " + log.all());
        } finally {
          vertx.close().await();
        }
      }
    }
  }
}
