package io.tidegate.schemas.events;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/** Sample events: the two from CONTRACT.md verbatim, and one valid record per event type. */
final class Samples {

  /** CONTRACT.md's InventoryPositionChanged example, data verbatim, in a full envelope. */
  static final String CONTRACT_INVENTORY = """
    {"eventId":"6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f","type":"InventoryPositionChanged","schemaVersion":1,
     "occurredAt":"2026-11-23T12:00:00Z","correlationId":"c-1","source":"wms",
     "data":{"sku":"SKU-1","location":"DC1","sequence":42,"onHand":120,"allocated":10,
             "damaged":2,"safetyStock":5,"inTransit":[{"quantity":50,"expectedDate":"2026-12-01"}]}}
    """;

  /** CONTRACT.md's PriceRuleChanged example, data verbatim, in a full envelope. */
  static final String CONTRACT_PRICE_RULE = """
    {"eventId":"0a9b8c7d-6e5f-4a3b-9c1d-2e3f4a5b6c7d","type":"PriceRuleChanged","schemaVersion":1,
     "occurredAt":"2026-11-23T12:00:00Z","correlationId":"c-2","source":"erp",
     "data":{"ruleId":"R-100","version":3,"priceListId":"PL-EU","sku":"SKU-1","currency":"EUR",
             "channel":null,"customerId":null,"customerGroup":null,"validFrom":"2026-01-01T00:00:00Z",
             "validTo":null,"tiers":[{"minQuantity":1,"unitPrice":"10.00"},{"minQuantity":100,"unitPrice":"9.20"}],
             "changedBy":"erp-sync","reason":"list price 2026"}}
    """;

  static final Instant AT = Instant.parse("2026-11-23T12:00:00Z");

  static OrderAccepted orderAccepted() {
    return new OrderAccepted("0b9e6b1c-5f3e-4f7a-9d2b-3c1e8a7d4f21", "webshop", "idem-1", "WS-100045", "C-1001",
      new ShipTo("Ada Lovelace", "12 Harbour Road", null, "Rotterdam", "3011 AA", "NL"),
      List.of(new OrderLine("SKU-0001", 2, new BigDecimal("10.00"), "Q-7f3c2a9e"),
        new OrderLine("SKU-0002", 1, null, null)),
      "EUR", LocalDate.parse("2026-12-05"), AT);
  }

  /** One valid data record for every event type. */
  static EventData dataOf(EventType type) {
    switch (type) {
      case INVENTORY_POSITION_CHANGED:
        return new InventoryPositionChanged("SKU-0001", "DC1", 42, 120, 10, 2, 5,
          List.of(new InventoryPositionChanged.InTransit(50, LocalDate.parse("2026-12-01"))));
      case PRICE_RULE_CHANGED:
        return new PriceRuleChanged("R-100", 3, "PL-EU", "SKU-0001", "EUR", "webshop", null, "retail",
          Instant.parse("2026-01-01T00:00:00Z"), null,
          List.of(new PriceRuleChanged.PriceTier(1, new BigDecimal("10.00")),
            new PriceRuleChanged.PriceTier(100, new BigDecimal("9.2"))),
          "erp-sync", "list price 2026");
      case ORDER_ACCEPTED:
        return orderAccepted();
      case ORDER_STATUS_CHANGED:
        return new OrderStatusChanged("0b9e6b1c-5f3e-4f7a-9d2b-3c1e8a7d4f21", "webshop", OrderStatus.BOOKED,
          OrderStatus.SUBMITTED, null, "ERP-778899", AT);
      case ORDER_DEAD_LETTERED:
        return new OrderDeadLettered("0b9e6b1c-5f3e-4f7a-9d2b-3c1e8a7d4f21", "webshop", "RETRIES_EXHAUSTED", 8,
          "ERP answered 503", orderAccepted());
      case ERP_ORDER_STATUS_CHANGED:
        return new ErpOrderStatusChanged("0b9e6b1c-5f3e-4f7a-9d2b-3c1e8a7d4f21", "ERP-778899",
          ErpOrderStatusChanged.Status.SHIPPED, 3, null, AT);
      case ERP_ORDER_STATUS_CHANGED_V2:
        return new ErpOrderStatusChanged("0b9e6b1c-5f3e-4f7a-9d2b-3c1e8a7d4f21", "ERP-778899",
          ErpOrderStatusChanged.Status.BOOKED, 1, null, AT,
          List.of(new ErpOrderStatusChanged.Allocation("SKU-0001", "DC1", 3)));
      default:
        throw new IllegalArgumentException(type.name());
    }
  }

  static EventEnvelope<EventData> envelopeOf(EventType type) {
    return new EventEnvelope<>(UUID.fromString("6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"), type.typeName(),
      type.schemaVersion(), AT, "corr-1", "test", dataOf(type));
  }

  private Samples() {
  }
}
