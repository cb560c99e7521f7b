package io.tidegate.schemas.events;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** The {@code data} of an event. Every event type's record implements it. */
public sealed interface EventData
  permits InventoryPositionChanged, PriceRuleChanged, OrderAccepted, OrderStatusChanged, OrderDeadLettered,
  ErpOrderStatusChanged {

  /** The Kafka record key: the id of the entity the event is about. */
  @JsonIgnore
  String key();
}
