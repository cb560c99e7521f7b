package io.tidegate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.spi.FilterReply;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class KafkaConnectWarningsTest {

  private static final Logger NETWORK = (Logger) LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient");
  private static final String CONNECT = "[Consumer clientId=c1, groupId=g] Connection to node {} ({}) could not be"
      + " established. Node may not be available.";

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final KafkaConnectWarnings filter = new KafkaConnectWarnings(now::get);

  @Test
  void oneConnectWarningPerClientAndNodeAMinute() {
    assertEquals(FilterReply.NEUTRAL, decide(CONNECT, -1));
    now.addAndGet(1000);
    assertEquals(FilterReply.DENY, decide(CONNECT, -1), "the next reconnect's");
    assertEquals(FilterReply.NEUTRAL, decide(CONNECT, 2), "another node's");
    assertEquals(FilterReply.NEUTRAL, decide(CONNECT.replace("c1", "c2"), -1), "another client's");
    now.addAndGet(KafkaConnectWarnings.EVERY_MS);
    assertEquals(FilterReply.NEUTRAL, decide(CONNECT, -1), "a minute later");
  }

  @Test
  void everythingElseIsLeftAlone() {
    assertEquals(FilterReply.NEUTRAL, filter.decide(null, NETWORK, Level.WARN,
        "[Producer clientId=p] Error while fetching metadata with correlation id {} : {}", new Object[] {7, "x"}, null));
    assertEquals(FilterReply.NEUTRAL, filter.decide(null, NETWORK, Level.WARN,
        "[Producer clientId=p] Error while fetching metadata with correlation id {} : {}", new Object[] {7, "x"}, null));
    Logger other = (Logger) LoggerFactory.getLogger("io.tidegate.gateway.GatewayApp");
    assertEquals(FilterReply.NEUTRAL, filter.decide(null, other, Level.WARN, CONNECT, new Object[] {-1, "x"}, null));
    assertEquals(FilterReply.NEUTRAL, filter.decide(null, other, Level.WARN, CONNECT, new Object[] {-1, "x"}, null));
  }

  private FilterReply decide(String message, int node) {
    return filter.decide(null, NETWORK, Level.WARN, message, new Object[] {node, "/127.0.0.1:9092"}, null);
  }
}
