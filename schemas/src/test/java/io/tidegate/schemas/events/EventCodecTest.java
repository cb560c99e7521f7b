package io.tidegate.schemas.events;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventCodecTest {

  private static final EventCodec CODEC = new EventCodec();

  @Test
  void contractInventoryExampleDecodes() throws InvalidEventException {
    EventEnvelope<?> event = CODEC.decode(Samples.CONTRACT_INVENTORY.getBytes(UTF_8));

    assertEquals(EventType.INVENTORY_POSITION_CHANGED, event.eventType());
    assertEquals(UUID.fromString("6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"), event.eventId());
    assertEquals(Instant.parse("2026-11-23T12:00:00Z"), event.occurredAt());
    assertEquals("c-1", event.correlationId());
    assertEquals("wms", event.source());
    assertEquals(new InventoryPositionChanged("SKU-1", "DC1", 42, 120, 10, 2, 5,
        List.of(new InventoryPositionChanged.InTransit(50, LocalDate.parse("2026-12-01")))),
      event.data());
    assertEquals("SKU-1@DC1", event.key());
    assertEquals("inventory.positions.v1", event.topic());
  }

  @Test
  void aFeedRecordWithoutEnvelopeFieldsGetsThemFromTheRecord() throws InvalidEventException {
    // CONTRACT.md's price rule example exactly as printed there: type, schemaVersion, data
    String bare = "{\"type\":\"PriceRuleChanged\",\"schemaVersion\":1,\"data\":"
      + Samples.CONTRACT_PRICE_RULE.substring(Samples.CONTRACT_PRICE_RULE.indexOf("{\"ruleId\""));
    byte[] value = bare.strip().getBytes(UTF_8);
    assertThrows(InvalidEventException.class, () -> CODEC.decode(value), "the strict decoder wants the envelope");
    Instant recordTime = Instant.parse("2026-11-23T13:00:00Z");
    EventEnvelope<?> event = CODEC.decodeFeed(value, recordTime, "from-header");
    assertEquals("R-100", ((PriceRuleChanged) event.data()).ruleId());
    assertEquals(recordTime, event.occurredAt());
    assertEquals("from-header", event.correlationId());
    assertEquals("unknown", event.source());
    assertEquals(event.eventId(), CODEC.decodeFeed(value, Instant.now(), null).eventId(),
      "identical copies share a derived event id");
    assertEquals(event.eventId().toString(), CODEC.decodeFeed(value, recordTime, null).correlationId());
    // a field that is there must still be valid
    byte[] badId = bare.replace("{\"type\"", "{\"eventId\":\"nope\",\"type\"").getBytes(UTF_8);
    assertThrows(InvalidEventException.class, () -> CODEC.decodeFeed(badId, recordTime, null));
  }

  @Test
  void contractPriceRuleExampleDecodes() throws InvalidEventException {
    EventEnvelope<PriceRuleChanged> event =
      CODEC.decode(Samples.CONTRACT_PRICE_RULE.getBytes(UTF_8), PriceRuleChanged.class);

    PriceRuleChanged rule = event.data();
    assertEquals("R-100", rule.ruleId());
    assertEquals(3, rule.version());
    assertNull(rule.channel());
    assertNull(rule.customerId());
    assertNull(rule.customerGroup());
    assertNull(rule.validTo());
    assertEquals(Instant.parse("2026-01-01T00:00:00Z"), rule.validFrom());
    assertEquals(List.of(new PriceRuleChanged.PriceTier(1, new BigDecimal("10.00")),
      new PriceRuleChanged.PriceTier(100, new BigDecimal("9.20"))), rule.tiers());
    assertEquals("R-100", event.key());
  }

  @Test
  void contractExamplesSurviveReEncoding() throws InvalidEventException {
    for (String sample : List.of(Samples.CONTRACT_INVENTORY, Samples.CONTRACT_PRICE_RULE)) {
      JsonObject original = new JsonObject(sample);
      EventEnvelope<?> decoded = CODEC.decode(sample.getBytes(UTF_8));
      JsonObject reEncoded = new JsonObject(new String(CODEC.encode(decoded), UTF_8));
      assertEquals(original, reEncoded, "re-encoding must reproduce the contract's example");
    }
  }

  @ParameterizedTest
  @EnumSource(EventType.class)
  void everyEventTypeRoundTrips(EventType type) throws InvalidEventException {
    EventEnvelope<EventData> event = Samples.envelopeOf(type);

    EventEnvelope<?> decoded = CODEC.decode(CODEC.encode(event));

    assertEquals(event, decoded);
    assertInstanceOf(type.dataClass(), decoded.data());
  }

  @Test
  void factoryStampsIdAndTime() {
    Instant before = Instant.now();
    EventEnvelope<OrderAccepted> event =
      EventEnvelope.of(EventType.ORDER_ACCEPTED, "corr-9", "gateway", Samples.orderAccepted());

    assertEquals("OrderAccepted", event.type());
    assertEquals(1, event.schemaVersion());
    assertFalse(event.occurredAt().isBefore(before));
    assertEquals("orders.accepted.v1", event.topic());
    assertEquals(Samples.orderAccepted().orderId(), event.key());
    assertThrows(IllegalArgumentException.class,
      () -> EventEnvelope.of(EventType.ORDER_ACCEPTED, "c", "gateway", Samples.dataOf(EventType.ORDER_STATUS_CHANGED)));
  }

  @Test
  void moneyIsWrittenAsDecimalStringAndNullDimensionsExplicitly() {
    JsonObject json = new JsonObject(new String(CODEC.encode(Samples.envelopeOf(EventType.PRICE_RULE_CHANGED)), UTF_8));
    JsonObject data = json.getJsonObject("data");

    assertEquals("10.00", data.getJsonArray("tiers").getJsonObject(0).getValue("unitPrice"));
    assertEquals("9.2", data.getJsonArray("tiers").getJsonObject(1).getValue("unitPrice"));
    assertTrue(data.containsKey("customerId") && data.getValue("customerId") == null);
    assertTrue(data.containsKey("validTo") && data.getValue("validTo") == null);
    assertEquals("2026-01-01T00:00:00Z", data.getValue("validFrom"));
  }

  @Test
  void orderEventsOmitAbsentOptionalsAndCarryNoDerivedFields() {
    String json = new String(CODEC.encode(Samples.envelopeOf(EventType.ORDER_ACCEPTED)), UTF_8);
    JsonObject data = new JsonObject(json).getJsonObject("data");

    assertFalse(json.contains("null"), json);
    assertFalse(json.contains("\"key\""), json);
    assertFalse(json.contains("\"topic\""), json);
    assertEquals("10.00", data.getJsonArray("lines").getJsonObject(0).getValue("unitPrice"));
    assertEquals("2026-12-05", data.getValue("requestedDate"));
    assertEquals("EUR", data.getValue("currency"));
  }

  @Test
  void moneyWithManyDigitsIsNeverScientific() throws InvalidEventException {
    OrderAccepted order = Samples.orderAccepted();
    OrderAccepted big = new OrderAccepted(order.orderId(), order.channel(), order.idempotencyKey(), null,
      order.customerId(), order.shipTo(),
      List.of(new OrderLine("SKU-1", 1, new BigDecimal("1E+3"), null)), null, null, order.acceptedAt());

    byte[] value = CODEC.encode(EventEnvelope.of(EventType.ORDER_ACCEPTED, "c", "gateway", big));

    assertTrue(new String(value, UTF_8).contains("\"unitPrice\":\"1000\""), new String(value, UTF_8));
    OrderAccepted decoded = (OrderAccepted) CODEC.decode(value).data();
    assertEquals(0, decoded.lines().get(0).unitPrice().compareTo(new BigDecimal("1000")));
  }

  @Test
  void producersMayAddFields() throws InvalidEventException {
    JsonObject json = new JsonObject(Samples.CONTRACT_INVENTORY);
    json.put("traceparent", "00-abc");
    json.getJsonObject("data").put("bin", "A-01-03");
    json.getJsonObject("data").getJsonArray("inTransit").getJsonObject(0).put("carrier", "DHL");

    EventEnvelope<?> event = CODEC.decode(json.encode().getBytes(UTF_8));

    assertEquals("SKU-1@DC1", event.key());
  }

  @Test
  void encodeRefusesAnInvalidEvent() {
    InventoryPositionChanged negative = new InventoryPositionChanged("SKU-1", "DC1", 1, -5, 0, 0, 0, List.of());

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
      () -> CODEC.encode(EventEnvelope.of(EventType.INVENTORY_POSITION_CHANGED, "c", "wms", negative)));
    assertTrue(e.getMessage().contains("/data/onHand"), e.getMessage());
  }

  static Stream<Arguments> brokenEvents() {
    return Stream.of(
      broken("missing data field", inventory(d -> d.remove("onHand")), "/data"),
      broken("missing data field names it", inventory(d -> d.remove("onHand")), "onHand"),
      broken("missing envelope field", envelope(e -> e.remove("eventId")), "eventId"),
      broken("wrong type", inventory(d -> d.put("onHand", "120")), "/data/onHand"),
      broken("wrong type of array", inventory(d -> d.put("inTransit", "none")), "/data/inTransit"),
      broken("negative quantity", inventory(d -> d.put("allocated", -1)), "/data/allocated"),
      broken("negative in-transit quantity",
        inventory(d -> d.getJsonArray("inTransit").getJsonObject(0).put("quantity", -50)), "/data/inTransit/0/quantity"),
      broken("fractional quantity", inventory(d -> d.put("onHand", 1.5)), "/data/onHand"),
      broken("quantity beyond int", inventory(d -> d.put("onHand", 3_000_000_000L)), "/data/onHand"),
      broken("bad date", inventory(d -> d.getJsonArray("inTransit").getJsonObject(0).put("expectedDate", "2026-13-01")),
        "/data/inTransit/0/expectedDate"),
      broken("impossible date", inventory(d -> d.getJsonArray("inTransit").getJsonObject(0).put("expectedDate", "2026-02-30")),
        "/data/inTransit/0/expectedDate"),
      broken("bad date-time", envelope(e -> e.put("occurredAt", "yesterday")), "/occurredAt"),
      broken("date-time without offset", envelope(e -> e.put("occurredAt", "2026-11-23T12:00:00")), "/occurredAt"),
      broken("bad uuid", envelope(e -> e.put("eventId", "42")), "/eventId"),
      broken("sku with a space", inventory(d -> d.put("sku", "SKU 1")), "/data/sku"),
      broken("unknown type", envelope(e -> e.put("type", "InventoryExploded")), "unknown event type InventoryExploded"),
      broken("unknown version", envelope(e -> e.put("schemaVersion", 2)), "unknown event type InventoryPositionChanged v2"),
      broken("huge version", envelope(e -> e.put("schemaVersion", 4_294_967_297L)), "/type"),
      broken("version zero", envelope(e -> e.put("schemaVersion", 0)), "/schemaVersion"),
      broken("data not an object", envelope(e -> e.put("data", "x")), "/data"),
      broken("float money", priceRule(d -> d.getJsonArray("tiers").getJsonObject(0).put("unitPrice", 10.0)),
        "/data/tiers/0/unitPrice"),
      broken("money with too many decimals",
        priceRule(d -> d.getJsonArray("tiers").getJsonObject(0).put("unitPrice", "10.00001")), "/data/tiers/0/unitPrice"),
      broken("money with a comma", priceRule(d -> d.getJsonArray("tiers").getJsonObject(0).put("unitPrice", "10,00")),
        "/data/tiers/0/unitPrice"),
      broken("no tiers", priceRule(d -> d.put("tiers", List.of())), "/data/tiers"),
      broken("lower-case currency", priceRule(d -> d.put("currency", "eur")), "/data/currency"),
      broken("several problems at once", inventory(d -> {
        d.put("onHand", -1);
        d.put("damaged", "2");
      }), "/data/onHand"),
      broken("empty bytes", new byte[0], "empty"),
      broken("garbage bytes", new byte[]{(byte) 0xC3, 0x28, 0x00, 0x7F, (byte) 0xFF}, "not a JSON object"),
      broken("truncated JSON", Samples.CONTRACT_INVENTORY.substring(0, 60).getBytes(UTF_8), "not a JSON object"),
      broken("trailing garbage", (Samples.CONTRACT_INVENTORY + "}x").getBytes(UTF_8), "not a JSON object"),
      broken("JSON null", "null".getBytes(UTF_8), "not a JSON object"),
      broken("JSON array", "[1,2]".getBytes(UTF_8), "not a JSON object"),
      broken("duplicate key", Samples.CONTRACT_INVENTORY.replace("\"source\":\"wms\"", "\"source\":\"wms\",\"source\":\"x\"")
        .getBytes(UTF_8), "not a JSON object"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenEvents")
  void brokenEventIsRejectedWithReason(String name, byte[] value, String expectedInReason) {
    InvalidEventException e = assertThrows(InvalidEventException.class, () -> CODEC.decode(value));

    assertTrue(e.reason().contains(expectedInReason), () -> name + ": reason was: " + e.reason());
    assertTrue(e.reason().length() <= 500, e.reason());
  }

  @Test
  void nullIsRejected() {
    InvalidEventException e = assertThrows(InvalidEventException.class, () -> CODEC.decode(null));
    assertEquals("empty record value", e.reason());
  }

  @Test
  void typedDecodeRejectsAnotherType() {
    InvalidEventException e = assertThrows(InvalidEventException.class,
      () -> CODEC.decode(Samples.CONTRACT_INVENTORY.getBytes(UTF_8), PriceRuleChanged.class));
    assertTrue(e.reason().startsWith("/type"), e.reason());
  }

  @Test
  void reasonNamesEveryBadField() {
    byte[] value = inventory(d -> {
      d.put("onHand", -1);
      d.put("damaged", "2");
    });
    InvalidEventException e = assertThrows(InvalidEventException.class, () -> CODEC.decode(value));
    assertTrue(e.reason().contains("/data/onHand") && e.reason().contains("/data/damaged"), e.reason());
  }

  @Test
  void sharedCodecDecodesConcurrently() {
    byte[] valid = Samples.CONTRACT_INVENTORY.getBytes(UTF_8);
    byte[] invalid = inventory(d -> d.put("onHand", -1));
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

    IntStream.range(0, 20_000).parallel().forEach(i -> {
      try {
        if (i % 2 == 0) {
          if (!"SKU-1@DC1".equals(CODEC.decode(valid).key())) {
            failures.add("wrong key at " + i);
          }
        } else {
          CODEC.decode(invalid);
          failures.add("invalid accepted at " + i);
        }
      } catch (InvalidEventException e) {
        if (i % 2 == 0 || !e.reason().contains("/data/onHand")) {
          failures.add(i + ": " + e.reason());
        }
      }
    });

    assertTrue(failures.isEmpty(), () -> failures.size() + " failures, e.g. " + failures.peek());
  }

  private static Arguments broken(String name, byte[] value, String expectedInReason) {
    return Arguments.of(name, value, expectedInReason);
  }

  private static byte[] envelope(Consumer<JsonObject> change) {
    JsonObject json = new JsonObject(Samples.CONTRACT_INVENTORY);
    change.accept(json);
    return json.encode().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] inventory(Consumer<JsonObject> change) {
    return envelope(e -> change.accept(e.getJsonObject("data")));
  }

  private static byte[] priceRule(Consumer<JsonObject> change) {
    JsonObject json = new JsonObject(Samples.CONTRACT_PRICE_RULE);
    change.accept(json.getJsonObject("data"));
    return json.encode().getBytes(StandardCharsets.UTF_8);
  }
}
