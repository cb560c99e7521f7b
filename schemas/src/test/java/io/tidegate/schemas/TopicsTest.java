package io.tidegate.schemas;

import io.tidegate.schemas.Topics.TopicSpec;
import io.tidegate.schemas.events.EventType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopicsTest {

  private final Map<String, TopicSpec> specs =
    Topics.all().stream().collect(Collectors.toMap(TopicSpec::name, Function.identity()));

  @Test
  void feedsAndTheirDeadLetterTopicsAreLaidOut() {
    assertEquals(Map.of(
        "orders.accepted.v1", new TopicSpec("orders.accepted.v1", 3, false),
        "orders.status.v1", new TopicSpec("orders.status.v1", 3, false),
        "inventory.positions.v1", new TopicSpec("inventory.positions.v1", 3, true),
        "prices.rules.v1", new TopicSpec("prices.rules.v1", 3, true),
        "orders.dlq.v1", new TopicSpec("orders.dlq.v1", 1, false),
        "orders.erp-status.v1", new TopicSpec("orders.erp-status.v1", 3, false),
        "inventory.positions.v1.dlq", new TopicSpec("inventory.positions.v1.dlq", 1, false),
        "prices.rules.v1.dlq", new TopicSpec("prices.rules.v1.dlq", 1, false),
        "orders.erp-status.v1.dlq", new TopicSpec("orders.erp-status.v1.dlq", 1, false)),
      specs);
    assertEquals(specs.size(), Topics.all().size(), "no duplicates");
    assertEquals("inventory.positions.v1.dlq", Topics.dlqOf(Topics.INVENTORY_POSITIONS));
  }

  @Test
  void everyEventTypeHasItsTopic() {
    for (EventType type : EventType.values()) {
      assertTrue(specs.containsKey(type.topic()), type + " -> " + type.topic());
    }
  }
}
