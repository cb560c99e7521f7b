package io.tidegate.schemas;

import java.util.List;

/**
 * Kafka topic names, their layout, and the record header names every producer sets.
 *
 * <p>Record keys are the entity id: orderId for the order topics, {@code sku@location} for
 * inventory positions, ruleId for price rules. A record that fails its schema goes to
 * {@link #dlqOf(String)} of its feed and never stops the consumer.
 */
public final class Topics {

  /** Orders the gateway accepted and made durable; drained into the ERP. */
  public static final String ORDERS_ACCEPTED = "orders.accepted.v1";
  /** Every status change the gateway records for an order. */
  public static final String ORDERS_STATUS = "orders.status.v1";
  /** Full stock positions from the ERP/WMS (compacted, key sku@location). */
  public static final String INVENTORY_POSITIONS = "inventory.positions.v1";
  /** Price rule versions from the ERP (compacted, key ruleId). */
  public static final String PRICE_RULES = "prices.rules.v1";
  /** Orders that could not be posted to the ERP, kept for replay. */
  public static final String ORDERS_DLQ = "orders.dlq.v1";
  /** The ERP's booked/released/shipped/invoiced/rejected events. */
  public static final String ORDERS_ERP_STATUS = "orders.erp-status.v1";

  /** Record header carrying the correlation id (UTF-8). */
  public static final String HEADER_CORRELATION_ID = "correlationId";
  /** Record header carrying the event type, e.g. {@code InventoryPositionChanged} (UTF-8). */
  public static final String HEADER_TYPE = "type";

  /** Default partition count of a feed topic. */
  public static final int DEFAULT_PARTITIONS = 3;

  /**
   * Layout of a topic, for creating it (dev stack, tests, ops scripts).
   *
   * @param name       topic name
   * @param partitions partition count
   * @param compacted  {@code cleanup.policy=compact} (latest value per key is kept)
   */
  public record TopicSpec(String name, int partitions, boolean compacted) {
  }

  private static final List<TopicSpec> ALL = List.of(
    new TopicSpec(ORDERS_ACCEPTED, DEFAULT_PARTITIONS, false),
    new TopicSpec(ORDERS_STATUS, DEFAULT_PARTITIONS, false),
    new TopicSpec(INVENTORY_POSITIONS, DEFAULT_PARTITIONS, true),
    new TopicSpec(PRICE_RULES, DEFAULT_PARTITIONS, true),
    new TopicSpec(ORDERS_DLQ, 1, false),
    new TopicSpec(ORDERS_ERP_STATUS, DEFAULT_PARTITIONS, false),
    // Dead-letter topics of the consumed feeds. Not compacted: every bad record is kept,
    // and a bad record may have no key at all (compacted topics refuse null keys).
    new TopicSpec(dlqOf(INVENTORY_POSITIONS), 1, false),
    new TopicSpec(dlqOf(PRICE_RULES), 1, false),
    new TopicSpec(dlqOf(ORDERS_ERP_STATUS), 1, false));

  private Topics() {
  }

  /** The dead-letter topic of a consumed feed: {@code feedTopic + ".dlq"}. */
  public static String dlqOf(String feedTopic) {
    return feedTopic + ".dlq";
  }

  /** Every topic the system uses, with its layout. */
  public static List<TopicSpec> all() {
    return ALL;
  }
}
