package io.tidegate.schemas.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A new schema version rolled out while old producers still write the old one: ErpOrderStatusChanged
 * v1 and v2 on the same topic, read by the same consumer into the same record.
 */
class SchemaEvolutionTest {

  private final EventCodec codec = new EventCodec();
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void oldAndNewVersionsOfOneTopicDecodeToTheSameRecord() throws Exception {
    EventEnvelope<?> old = codec.decode(record(1, data(), null));
    EventEnvelope<?> current = codec.decode(record(2, data(), "[{\"sku\":\"SKU-0001\",\"location\":\"DC1\",\"quantity\":3}]"));
    ErpOrderStatusChanged v1 = (ErpOrderStatusChanged) old.data();
    ErpOrderStatusChanged v2 = (ErpOrderStatusChanged) current.data();
    assertEquals(1, old.schemaVersion());
    assertEquals(2, current.schemaVersion());
    assertEquals(List.of(), v1.allocations(), "a v1 event has no allocations");
    assertEquals(List.of(new ErpOrderStatusChanged.Allocation("SKU-0001", "DC1", 3)), v2.allocations());
    assertEquals(v1.orderId(), v2.orderId());
    assertEquals(v1.status(), v2.status());
    // The typed decode that consumers of the topic use takes both.
    assertEquals(ErpOrderStatusChanged.class, codec.decode(record(1, data(), null), ErpOrderStatusChanged.class)
        .data().getClass());
    assertEquals(ErpOrderStatusChanged.class, codec.decode(record(2, data(), "[]"), ErpOrderStatusChanged.class)
        .data().getClass());
  }

  @Test
  void eachVersionIsCheckedAgainstItsOwnSchema() throws Exception {
    InvalidEventException bad = assertThrows(InvalidEventException.class, () -> codec.decode(
        record(2, data(), "[{\"sku\":\"SKU-0001\",\"location\":\"DC1\",\"quantity\":-1}]")));
    assertTrue(bad.reason().contains("/data/allocations/0/quantity"), bad.reason());
    // v1 tolerates extra fields, and a v1 producer's field that happens to share v2's name is not
    // read as v2's allocations.
    ErpOrderStatusChanged tolerated = (ErpOrderStatusChanged) codec.decode(record(1, data(), "\"not a list\"")).data();
    assertEquals(List.of(), tolerated.allocations());
  }

  @Test
  void anUnknownFutureVersionIsRefusedNotMisread() {
    InvalidEventException future = assertThrows(InvalidEventException.class,
        () -> codec.decode(record(3, data(), null)));
    assertTrue(future.reason().contains("unknown event type ErpOrderStatusChanged v3"), future.reason());
  }

  @Test
  void eventsAreWrittenInTheVersionTheProducerChose() throws Exception {
    ErpOrderStatusChanged data = new ErpOrderStatusChanged("o-1", "ERP-1", ErpOrderStatusChanged.Status.BOOKED, 1,
        null, java.time.Instant.parse("2026-11-23T10:00:00Z"),
        List.of(new ErpOrderStatusChanged.Allocation("SKU-0001", "DC2", 5)));
    for (EventType type : List.of(EventType.ERP_ORDER_STATUS_CHANGED, EventType.ERP_ORDER_STATUS_CHANGED_V2)) {
      byte[] bytes = codec.encode(EventEnvelope.of(type, "corr-1", "erp", data));
      EventEnvelope<ErpOrderStatusChanged> back = codec.decode(bytes, ErpOrderStatusChanged.class);
      assertEquals(type.schemaVersion(), back.schemaVersion());
      boolean v1 = type.schemaVersion() == 1;
      assertEquals(v1, !new String(bytes, StandardCharsets.UTF_8).contains("allocations"),
          "a v1 producer writes only v1's fields");
      assertEquals(v1 ? List.of() : data.allocations(), back.data().allocations());
      assertEquals(data.orderId(), back.data().orderId());
    }
  }

  private ObjectNode data() {
    return json.createObjectNode().put("orderId", "0b9e6b1c-5f3e-4f7a-9d2b-3c1e8a7d4f21").put("erpOrderNumber", "ERP-7")
        .put("status", "BOOKED").put("sequence", 1).put("at", "2026-11-23T10:00:00Z");
  }

  private byte[] record(int version, ObjectNode data, String allocations) throws Exception {
    if (allocations != null) {
      data.set("allocations", json.readTree(allocations));
    }
    ObjectNode envelope = json.createObjectNode().put("eventId", "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f")
        .put("type", "ErpOrderStatusChanged").put("schemaVersion", version)
        .put("occurredAt", "2026-11-23T10:00:00Z").put("correlationId", "corr-1").put("source", "erp");
    envelope.set("data", data);
    return json.writeValueAsBytes(envelope).clone();
  }
}
