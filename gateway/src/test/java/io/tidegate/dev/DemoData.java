package io.tidegate.dev;

import io.tidegate.schemas.Topics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The demo data of CONTRACT.md, published the way the ERP/WMS side would publish it: canonical
 * events on {@code inventory.positions.v1} and {@code prices.rules.v1}, so the gateway's normal
 * consumers load it. The JSON is written here by hand (not with the gateway's codec), which keeps
 * the dev stack an honest outside producer. Deterministic: the same SKUs and figures every time.
 */
public final class DemoData {

  public static final int SKUS = 1000;
  public static final List<String> LOCATIONS = List.of("DC1", "DC2");
  private static final String SOURCE = "tidegate-demo-data";

  private DemoData() {
  }

  public static String sku(int i) {
    return String.format("SKU-%04d", i);
  }

  /** Publishes everything and waits for every acknowledgement; returns the number of records. */
  public static int publish(Producer<String, byte[]> producer) throws Exception {
    List<Future<?>> acks = new ArrayList<>();
    LocalDate today = LocalDate.now();
    for (int i = 1; i <= SKUS; i++) {
      String sku = sku(i);
      for (String location : LOCATIONS) {
        JsonObject position = position(sku, location, new Random(i * 31L + location.hashCode()), today);
        acks.add(send(producer, Topics.INVENTORY_POSITIONS, sku + "@" + location, "InventoryPositionChanged", position));
      }
      for (JsonObject rule : rules(sku, i)) {
        acks.add(send(producer, Topics.PRICE_RULES, rule.getString("ruleId"), "PriceRuleChanged", rule));
      }
    }
    producer.flush();
    for (Future<?> ack : acks) {
      ack.get();
    }
    return acks.size();
  }

  static JsonObject position(String sku, String location, Random random, LocalDate today) {
    int onHand = random.nextInt(500);
    JsonArray inTransit = new JsonArray();
    if (random.nextBoolean()) {
      inTransit.add(new JsonObject().put("quantity", 10 + random.nextInt(200))
          .put("expectedDate", today.plusDays(2 + random.nextInt(20)).toString()));
    }
    return new JsonObject()
        .put("sku", sku).put("location", location).put("sequence", 1)
        .put("onHand", onHand).put("allocated", random.nextInt(onHand / 4 + 1))
        .put("damaged", random.nextInt(4)).put("safetyStock", 5)
        .put("inTransit", inTransit);
  }

  /** A list price per currency for every SKU, a marketplace rule and a GOLD-group rule for some. */
  static List<JsonObject> rules(String sku, int i) {
    BigDecimal eur = BigDecimal.valueOf(500 + (i * 7919L) % 19500, 2);
    BigDecimal usd = eur.multiply(new BigDecimal("1.08")).setScale(2, RoundingMode.HALF_EVEN);
    List<JsonObject> rules = new ArrayList<>();
    rules.add(rule("R-" + sku + "-EUR", "PL-EU", sku, "EUR", null, null, eur, "list price 2026"));
    rules.add(rule("R-" + sku + "-USD", "PL-US", sku, "USD", null, null, usd, "list price 2026"));
    if (i <= 100) {
      rules.add(rule("R-" + sku + "-EUR-MKT", "PL-MKT", sku, "EUR", "marketplace", null,
          eur.multiply(new BigDecimal("0.98")).setScale(2, RoundingMode.HALF_EVEN), "marketplace price"));
    }
    if (i <= 50) {
      rules.add(rule("R-" + sku + "-EUR-GOLD", "PL-GOLD", sku, "EUR", null, "GOLD",
          eur.multiply(new BigDecimal("0.90")).setScale(2, RoundingMode.HALF_EVEN), "gold customers"));
    }
    return rules;
  }

  private static JsonObject rule(String ruleId, String priceList, String sku, String currency, String channel,
                                 String group, BigDecimal price, String reason) {
    JsonArray tiers = new JsonArray()
        .add(new JsonObject().put("minQuantity", 1).put("unitPrice", price.toPlainString()))
        .add(new JsonObject().put("minQuantity", 10).put("unitPrice",
            price.multiply(new BigDecimal("0.97")).setScale(2, RoundingMode.HALF_EVEN).toPlainString()))
        .add(new JsonObject().put("minQuantity", 100).put("unitPrice",
            price.multiply(new BigDecimal("0.92")).setScale(2, RoundingMode.HALF_EVEN).toPlainString()));
    return new JsonObject()
        .put("ruleId", ruleId).put("version", 1).put("priceListId", priceList).put("sku", sku)
        .put("currency", currency).put("channel", channel).put("customerId", null).put("customerGroup", group)
        .put("validFrom", "2026-01-01T00:00:00Z").put("validTo", null).put("tiers", tiers)
        .put("changedBy", "erp-sync").put("reason", reason);
  }

  /** The canonical envelope around {@code data}, as any producer of the feeds must write it. */
  public static byte[] envelope(String type, JsonObject data, String correlationId) {
    return new JsonObject()
        .put("eventId", UUID.randomUUID().toString())
        .put("type", type)
        .put("schemaVersion", 1)
        .put("occurredAt", Instant.now().toString())
        .put("correlationId", correlationId)
        .put("source", SOURCE)
        .put("data", data)
        .encode().getBytes(StandardCharsets.UTF_8);
  }

  private static Future<?> send(Producer<String, byte[]> producer, String topic, String key, String type,
                                JsonObject data) {
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, envelope(type, data, "demo-data"));
    record.headers().add(Topics.HEADER_CORRELATION_ID, "demo-data".getBytes(StandardCharsets.UTF_8));
    record.headers().add(Topics.HEADER_TYPE, type.getBytes(StandardCharsets.UTF_8));
    return producer.send(record);
  }
}
