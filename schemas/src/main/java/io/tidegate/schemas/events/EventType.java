package io.tidegate.schemas.events;

import io.tidegate.schemas.Topics;

import java.util.Optional;

/**
 * Every (type, schemaVersion) the system produces or consumes: its data record and topic.
 * The data schema is {@code events/<type>.v<schemaVersion>.schema.json} on the class path.
 * A new schema version is a new constant; old ones stay as long as any record may carry them.
 */
public enum EventType {
  INVENTORY_POSITION_CHANGED("InventoryPositionChanged", 1, InventoryPositionChanged.class, Topics.INVENTORY_POSITIONS),
  PRICE_RULE_CHANGED("PriceRuleChanged", 1, PriceRuleChanged.class, Topics.PRICE_RULES),
  ORDER_ACCEPTED("OrderAccepted", 1, OrderAccepted.class, Topics.ORDERS_ACCEPTED),
  ORDER_STATUS_CHANGED("OrderStatusChanged", 1, OrderStatusChanged.class, Topics.ORDERS_STATUS),
  ORDER_DEAD_LETTERED("OrderDeadLettered", 1, OrderDeadLettered.class, Topics.ORDERS_DLQ),
  ERP_ORDER_STATUS_CHANGED("ErpOrderStatusChanged", 1, ErpOrderStatusChanged.class, Topics.ORDERS_ERP_STATUS);

  private static final EventType[] VALUES = values();

  private final String typeName;
  private final int schemaVersion;
  private final Class<? extends EventData> dataClass;
  private final String topic;

  EventType(String typeName, int schemaVersion, Class<? extends EventData> dataClass, String topic) {
    this.typeName = typeName;
    this.schemaVersion = schemaVersion;
    this.dataClass = dataClass;
    this.topic = topic;
  }

  /** The envelope's {@code type}, e.g. {@code InventoryPositionChanged}. */
  public String typeName() {
    return typeName;
  }

  /** The envelope's {@code schemaVersion}. */
  public int schemaVersion() {
    return schemaVersion;
  }

  /** The record {@code data} maps to. */
  public Class<? extends EventData> dataClass() {
    return dataClass;
  }

  /** The topic these events are published on. */
  public String topic() {
    return topic;
  }

  /** Class-path location of the data schema. */
  public String schemaResource() {
    return "events/" + typeName + ".v" + schemaVersion + ".schema.json";
  }

  /** The event type for an envelope's {@code type} and {@code schemaVersion}, if known. */
  public static Optional<EventType> find(String typeName, int schemaVersion) {
    for (EventType t : VALUES) {
      if (t.schemaVersion == schemaVersion && t.typeName.equals(typeName)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
