package io.tidegate.schemas.events;

import io.tidegate.schemas.Topics;

import java.util.Optional;

/**
 * Every (type, schemaVersion) the system produces or consumes: its data record and topic.
 * The data schema is {@code events/<type>.v<schemaVersion>.schema.json} on the class path.
 *
 * <p>Schema evolution. A new schema version is a new constant with the same type name, topic and
 * data record; the record takes the new fields as optional components, so consumers handle every
 * version alike. Roll-out, while old producers keep writing the old version: (1) deploy consumers
 * that know both constants (this enum; the codec validates each record against its own version's
 * schema); (2) move producers to the new version one by one, in any order; (3) drop the old constant
 * only when no record of it can still be read: past the topic's retention, and for compacted
 * topics after every key was re-published. Until (1) is everywhere, a new-version record is
 * refused (and dead-lettered by feeds), never misread. Versions only add optional fields; a
 * breaking change is a new type or a new topic.
 */
public enum EventType {
  INVENTORY_POSITION_CHANGED("InventoryPositionChanged", 1, InventoryPositionChanged.class, Topics.INVENTORY_POSITIONS),
  PRICE_RULE_CHANGED("PriceRuleChanged", 1, PriceRuleChanged.class, Topics.PRICE_RULES),
  ORDER_ACCEPTED("OrderAccepted", 1, OrderAccepted.class, Topics.ORDERS_ACCEPTED),
  ORDER_STATUS_CHANGED("OrderStatusChanged", 1, OrderStatusChanged.class, Topics.ORDERS_STATUS),
  ORDER_DEAD_LETTERED("OrderDeadLettered", 1, OrderDeadLettered.class, Topics.ORDERS_DLQ),
  ERP_ORDER_STATUS_CHANGED("ErpOrderStatusChanged", 1, ErpOrderStatusChanged.class, Topics.ORDERS_ERP_STATUS),
  /** v2 adds {@code allocations}; ERPs on v1 and v2 may write the topic at the same time. */
  ERP_ORDER_STATUS_CHANGED_V2("ErpOrderStatusChanged", 2, ErpOrderStatusChanged.class, Topics.ORDERS_ERP_STATUS);

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
