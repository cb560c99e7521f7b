package io.tidegate.kafka;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.circuitbreaker.OpenCircuitException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A 503 for an order Kafka did not acknowledge says what the client can know: with the breaker open
 * nothing was sent; after a time-out the record may still have landed, so the client is told to
 * retry with the same key rather than that nothing was accepted.
 */
class EventPublisherTest {

  @Test
  void aTimedOutWriteIsAnUnknownOutcomeAndAnOpenBreakerSentNothing() {
    String timedOut = EventPublisher.notAcknowledged(new TimeoutException("Expiring 1 record(s)"));
    assertTrue(timedOut.contains("may or may not have been accepted") && timedOut.contains("same Idempotency-Key"),
        timedOut);
    assertTrue(!timedOut.contains("nothing was accepted"), timedOut);
    String open = EventPublisher.notAcknowledged(OpenCircuitException.INSTANCE);
    assertTrue(open.contains("not sent, nothing was accepted"), open);
  }
}
