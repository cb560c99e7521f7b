package io.tidegate.gateway;

import static io.tidegate.gateway.GatewayHttpTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidegate.dev.DemoData;
import io.tidegate.dev.Eventually;
import io.tidegate.dev.Http.Answer;
import io.tidegate.dev.TestStack;
import io.tidegate.schemas.Topics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Price quotes end to end: rule versions published to the real broker become quotes, stored in the
 * real database and readable by the channel that asked (and no other); rule history is kept.
 */
class PricingTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final String WEBSHOP = "dev-webshop-key";
  private static final String MARKETPLACE = "dev-marketplace-key";

  @RegisterExtension
  static final RunningGateway GATEWAY = new RunningGateway();

  @Test
  void aChannelGetsAStoredQuoteWithTierPricesTotalsAndUnpricedLines() {
    String sku = uniqueSku();
    String ruleId = "R-" + sku;
    publish(rule(ruleId, 1, sku, null, null, "10.00", "9.20"));
    awaitUnitPrice(WEBSHOP, null, sku, 1, "10.00");

    Instant before = Instant.now();
    Answer created = quote(WEBSHOP, null, "EUR", line(sku, 120), line(uniqueSku(), 2));
    assertEquals(201, created.status(), created.body());
    JsonObject q = created.json();
    assertEquals("/v1/prices/quotes/" + q.getString("quoteId"), created.header("Location"));
    UUID.fromString(q.getString("quoteId"));
    JsonObject priced = q.getJsonArray("lines").getJsonObject(0);
    assertEquals("PRICED", priced.getString("status"));
    assertEquals("9.20", priced.getString("unitPrice"));
    assertEquals("1104.00", priced.getString("extendedPrice"));
    assertEquals("EUR", priced.getString("currency"));
    assertEquals("PL-EU", priced.getString("priceListId"));
    assertEquals(ruleId, priced.getString("ruleId"));
    assertEquals(100, priced.getJsonObject("tier").getInteger("minQuantity"));
    JsonObject unpriced = q.getJsonArray("lines").getJsonObject(1);
    assertEquals("NOT_PRICED", unpriced.getString("status"));
    assertFalse(unpriced.containsKey("unitPrice"));
    assertEquals(new JsonObject().put("total", "1104.00").put("pricedLines", 1).put("unpricedLines", 1),
        q.getJsonObject("totals"));
    assertEquals(ruleId + "@1", q.getString("priceVersion"));
    Instant validUntil = Instant.parse(q.getString("validUntil"));
    assertTrue(!validUntil.isBefore(before.plusSeconds(899)) && validUntil.isBefore(Instant.now().plusSeconds(901)),
        "validUntil 900 s ahead: " + validUntil);

    Answer read = GATEWAY.http().get("/v1/prices/quotes/" + q.getString("quoteId"), "X-Api-Key", WEBSHOP);
    assertEquals(200, read.status(), read.body());
    assertEquals(q, read.json());
    assertProblem(GATEWAY.http().get("/v1/prices/quotes/" + q.getString("quoteId"), "X-Api-Key", MARKETPLACE), 404,
        "NOT_FOUND");
    assertProblem(GATEWAY.http().get("/v1/prices/quotes/" + UUID.randomUUID(), "X-Api-Key", WEBSHOP), 404, "NOT_FOUND");
  }

  @Test
  void anExpiredQuoteCanStillBeReadToExplainItUntilItsRetentionEnds() {
    String sku = uniqueSku();
    publish(rule("R-" + sku, 1, sku, null, null, "10.00", "9.20"));
    awaitUnitPrice(WEBSHOP, null, sku, 1, "10.00");
    JsonObject q = quote(WEBSHOP, null, "EUR", line(sku, 3)).json();
    String id = q.getString("quoteId");

    TestStack.get().postgres().query("UPDATE quotes SET valid_until = now() - interval '23 hours'"
        + " WHERE quote_id = '" + id + "' RETURNING quote_id");
    Answer old = GATEWAY.http().get("/v1/prices/quotes/" + id, "X-Api-Key", WEBSHOP);
    assertEquals(200, old.status(), "expired 23 h ago, within the 24 h retention: " + old.body());
    assertEquals(q, old.json(), "as it was answered");
    assertProblem(GATEWAY.http().get("/v1/prices/quotes/" + id, "X-Api-Key", MARKETPLACE), 404, "NOT_FOUND");

    TestStack.get().postgres().query("UPDATE quotes SET valid_until = now() - interval '25 hours'"
        + " WHERE quote_id = '" + id + "' RETURNING quote_id");
    assertProblem(GATEWAY.http().get("/v1/prices/quotes/" + id, "X-Api-Key", WEBSHOP), 404, "NOT_FOUND");
  }

  @Test
  void aNewVersionChangesThePriceALowerOneIsNotAppliedAndEveryVersionIsInTheHistory() {
    String sku = uniqueSku();
    String ruleId = "R-" + sku;
    publish(rule(ruleId, 1, sku, null, null, "10.00", "9.00"));
    awaitUnitPrice(WEBSHOP, null, sku, 1, "10.00");
    publish(rule(ruleId, 3, sku, null, null, "12.00", "11.00").put("changedBy", "alice").put("reason", "raise"));
    JsonObject q = awaitUnitPrice(WEBSHOP, null, sku, 1, "12.00");
    assertEquals(ruleId + "@3", q.getString("priceVersion"));

    publish(rule(ruleId, 2, sku, null, null, "1.00", "1.00")); // late, older
    String marker = uniqueSku();
    publish(rule("R-" + marker, 1, marker, null, null, "5.00", "5.00"));
    awaitUnitPrice(WEBSHOP, null, marker, 1, "5.00"); // the consumer has gone past the older version
    assertEquals("12.00", firstLine(quote(WEBSHOP, null, "EUR", line(sku, 1))).getString("unitPrice"));

    List<List<String>> rows = Eventually.await(DEADLINE, "history of " + ruleId,
        () -> TestStack.get().postgres().query("SELECT version, changed_by, reason FROM price_rule_versions"
            + " WHERE rule_id = '" + ruleId + "' ORDER BY version"), r -> r.size() >= 3);
    assertEquals(List.of(List.of("1", "erp-sync", "list price"), List.of("2", "erp-sync", "list price"),
        List.of("3", "alice", "raise")), rows, "every version, also the late one the book did not apply");
  }

  @Test
  void aMarketplaceChannelRuleBeatsTheListPriceForThatChannelOnly() {
    String sku = uniqueSku();
    publish(rule("R-" + sku, 1, sku, null, null, "10.00", "9.00"));
    publish(rule("R-" + sku + "-MKT", 1, sku, "marketplace", null, "9.80", "8.80").put("priceListId", "PL-MKT"));
    JsonObject q = awaitUnitPrice(MARKETPLACE, null, sku, 1, "9.80");
    assertEquals("PL-MKT", firstLine(q).getString("priceListId"));
    assertEquals("10.00", firstLine(quote(WEBSHOP, null, "EUR", line(sku, 1))).getString("unitPrice"));
  }

  @Test
  void aGoldCustomerGetsTheGoldGroupPrice() {
    String sku = uniqueSku();
    publish(rule("R-" + sku, 1, sku, null, null, "10.00", "9.00"));
    publish(rule("R-" + sku + "-GOLD", 1, sku, null, "GOLD", "9.50", "8.50"));
    JsonObject q = awaitUnitPrice(WEBSHOP, "C-GOLD-1", sku, 1, "9.50");
    assertEquals("R-" + sku + "-GOLD", firstLine(q).getString("ruleId"));
    assertEquals("C-GOLD-1", q.getString("customerId"));
    assertEquals("10.00", firstLine(quote(WEBSHOP, "C-OTHER", "EUR", line(sku, 1))).getString("unitPrice"));
  }

  @Test
  void badCurrencyOrInstantIsA400WithAPointer() {
    Answer unknown = quote(WEBSHOP, null, "ZZZ", line("SKU-0001", 1));
    assertProblem(unknown, 400, "VALIDATION_FAILED");
    assertEquals("/currency", unknown.json().getJsonArray("errors").getJsonObject(0).getString("pointer"));
    assertProblem(quote(WEBSHOP, null, "eur", line("SKU-0001", 1)), 400, "VALIDATION_FAILED");
    Answer zeroQuantity = quote(WEBSHOP, null, "EUR", line("SKU-0001", 0));
    assertProblem(zeroQuantity, 400, "VALIDATION_FAILED");
    Answer badAt = GATEWAY.http().post("/v1/prices:quote", "application/json", new JsonObject().put("currency", "EUR")
        .put("at", "yesterday").put("lines", new JsonArray().add(line("SKU-0001", 1))).encode(), "X-Api-Key", WEBSHOP);
    assertProblem(badAt, 400, "VALIDATION_FAILED");
    assertNotNull(badAt.json().getJsonArray("errors"));
  }

  private static JsonObject awaitUnitPrice(String key, String customerId, String sku, int quantity, String price) {
    return Eventually.await(DEADLINE, sku + " priced at " + price, () -> quote(key, customerId, "EUR",
            line(sku, quantity)),
        a -> a.status() == 201 && price.equals(firstLine(a).getString("unitPrice"))).json();
  }

  private static JsonObject firstLine(Answer a) {
    return firstLine(a.json());
  }

  private static JsonObject firstLine(JsonObject quote) {
    return quote.getJsonArray("lines").getJsonObject(0);
  }

  private static Answer quote(String key, String customerId, String currency, JsonObject... lines) {
    JsonObject body = new JsonObject().put("currency", currency).put("lines", new JsonArray(List.of(lines)));
    if (customerId != null) {
      body.put("customerId", customerId);
    }
    return GATEWAY.http().post("/v1/prices:quote", "application/json", body.encode(), "X-Api-Key", key);
  }

  private static JsonObject line(String sku, int quantity) {
    return new JsonObject().put("sku", sku).put("quantity", quantity);
  }

  static String uniqueSku() {
    return "P-" + UUID.randomUUID().toString().substring(0, 18);
  }

  static JsonObject rule(String ruleId, long version, String sku, String channel, String group, String price1,
                         String price100) {
    return new JsonObject().put("ruleId", ruleId).put("version", version).put("priceListId", "PL-EU")
        .put("sku", sku).put("currency", "EUR").put("channel", channel).put("customerId", null)
        .put("customerGroup", group).put("validFrom", "2026-01-01T00:00:00Z").put("validTo", null)
        .put("tiers", new JsonArray()
            .add(new JsonObject().put("minQuantity", 1).put("unitPrice", price1))
            .add(new JsonObject().put("minQuantity", 100).put("unitPrice", price100)))
        .put("changedBy", "erp-sync").put("reason", "list price");
  }

  static void publish(JsonObject rule) {
    String key = rule.getString("ruleId");
    try {
      TestStack.get().producer().send(new ProducerRecord<>(Topics.PRICE_RULES, key,
          DemoData.envelope("PriceRuleChanged", rule, "test-" + key))).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
