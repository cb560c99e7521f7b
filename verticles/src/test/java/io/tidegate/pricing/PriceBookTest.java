package io.tidegate.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PriceBookTest {

  private static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  private final PriceBook book = new PriceBook();

  @Test
  void theHighestTierNotAboveTheQuantityApplies() {
    book.apply(rule("R-1", 1, null, null, null, JAN, null, "10.00", "9.20"));
    assertEquals(new BigDecimal("10.00"), select(null, null, null, 99).tier().unitPrice());
    assertEquals(new BigDecimal("9.20"), select(null, null, null, 100).tier().unitPrice());
    assertEquals(100, select(null, null, null, 5000).tier().minQuantity());
  }

  @Test
  void customerBeatsGroupBeatsChannelBeatsAny() {
    book.apply(rule("R-ANY", 1, null, null, null, JAN, null, "10.00", "9.00"));
    book.apply(rule("R-CH", 1, "marketplace", null, null, JAN, null, "9.80", "8.80"));
    book.apply(rule("R-GRP", 1, null, null, "GOLD", JAN, null, "9.50", "8.50"));
    book.apply(rule("R-CUST", 1, null, "C-1", null, JAN, null, "9.00", "8.00"));
    assertEquals("R-ANY", select("webshop", null, null, 1).rule().ruleId());
    assertEquals("R-CH", select("marketplace", null, null, 1).rule().ruleId());
    assertEquals("R-GRP", select("marketplace", "C-2", "GOLD", 1).rule().ruleId());
    assertEquals("R-CUST", select("marketplace", "C-1", "GOLD", 1).rule().ruleId());
  }

  @Test
  void aRuleNamingADimensionOnlyMatchesThatValue() {
    book.apply(rule("R-CH", 1, "marketplace", null, null, JAN, null, "9.80", "8.80"));
    book.apply(rule("R-GRP", 1, null, null, "GOLD", JAN, null, "9.50", "8.50"));
    assertNull(select("webshop", "C-9", null, 1));
    assertNull(select("webshop", "C-9", "SILVER", 1));
  }

  @Test
  void theValidityWindowIsHalfOpen() {
    Instant from = Instant.parse("2026-03-01T00:00:00Z");
    Instant to = Instant.parse("2026-04-01T00:00:00Z");
    book.apply(rule("R-1", 1, null, null, null, from, to, "10.00", "9.00"));
    assertNull(book.select(query(null, null, null, 1, from.minusMillis(1))));
    assertEquals("R-1", book.select(query(null, null, null, 1, from)).rule().ruleId());
    assertEquals("R-1", book.select(query(null, null, null, 1, to.minusMillis(1))).rule().ruleId());
    assertNull(book.select(query(null, null, null, 1, to)));
  }

  @Test
  void aRuleWhoseLowestTierIsAboveTheQuantityLeavesItToALessSpecificOne() {
    book.apply(rule("R-ANY", 1, null, null, null, JAN, null, "10.00", "9.00"));
    book.apply(new PriceRule("R-BULK", 1, "PL", "SKU-1", "EUR", "webshop", null, null, JAN, null,
        List.of(new PriceRule.Tier(50, new BigDecimal("7.00")))));
    assertEquals("R-ANY", select("webshop", null, null, 10).rule().ruleId());
    assertEquals("R-BULK", select("webshop", null, null, 50).rule().ruleId());
  }

  @Test
  void tiesGoToLatestValidFromThenHighestVersionThenSmallestRuleId() {
    book.apply(rule("R-B", 1, null, null, null, JAN, null, "10.00", "9.00"));
    book.apply(rule("R-A", 1, null, null, null, JAN, null, "11.00", "9.00"));
    assertEquals("R-A", select(null, null, null, 1).rule().ruleId());
    book.apply(rule("R-B", 2, null, null, null, JAN, null, "10.50", "9.00"));
    assertEquals("R-B", select(null, null, null, 1).rule().ruleId());
    book.apply(rule("R-C", 1, null, null, null, Instant.parse("2026-05-01T00:00:00Z"), null, "12.00", "9.00"));
    assertEquals("R-C", select(null, null, null, 1).rule().ruleId());
  }

  @Test
  void aLowerOrEqualVersionIsIgnored() {
    assertTrue(book.apply(rule("R-1", 3, null, null, null, JAN, null, "10.00", "9.00")));
    assertFalse(book.apply(rule("R-1", 2, null, null, null, JAN, null, "1.00", "1.00")));
    assertFalse(book.apply(rule("R-1", 3, null, null, null, JAN, null, "2.00", "2.00")));
    assertEquals(new BigDecimal("10.00"), select(null, null, null, 1).tier().unitPrice());
    assertTrue(book.apply(rule("R-1", 4, null, null, null, JAN, null, "12.00", "9.00")));
    assertEquals(new BigDecimal("12.00"), select(null, null, null, 1).tier().unitPrice());
    assertEquals(1, book.ruleCount());
  }

  @Test
  void otherCurrenciesAndSkusDoNotMatch() {
    book.apply(rule("R-1", 1, null, null, null, JAN, null, "10.00", "9.00"));
    assertNull(book.select(new PriceQuery("SKU-1", "USD", null, null, null, 1, NOW)));
    assertNull(book.select(new PriceQuery("SKU-2", "EUR", null, null, null, 1, NOW)));
  }

  @Test
  void extendedPricesRoundHalfEvenAtTheCurrencyScale() {
    assertEquals(new BigDecimal("0.12"), Money.extended(new BigDecimal("0.0125"), 10, 2)); // 0.125 -> 0.12
    assertEquals(new BigDecimal("0.14"), Money.extended(new BigDecimal("0.0135"), 10, 2)); // 0.135 -> 0.14
    assertEquals(new BigDecimal("1105"), Money.extended(new BigDecimal("110.5"), 10, 0));
    assertEquals("10.00", Money.unitPrice(new BigDecimal("10"), 2).toPlainString());
    assertEquals("0.0125", Money.unitPrice(new BigDecimal("0.0125"), 2).toPlainString());
    assertEquals(0, Money.scaleOf("JPY"));
    assertEquals(3, Money.scaleOf("KWD"));
    assertThrows(IllegalArgumentException.class, () -> Money.scaleOf("ZZZ"));
    assertThrows(IllegalArgumentException.class, () -> Money.scaleOf("XXX"));
  }

  @Test
  void aQuotePricesLinesTotalsAndNamesTheRuleVersions() {
    book.apply(rule("R-1", 3, null, null, null, JAN, null, "0.0125", "0.0100"));
    book.apply(new PriceRule("R-2", 7, "PL-EU", "SKU-2", "EUR", null, null, null, JAN, null,
        List.of(new PriceRule.Tier(1, new BigDecimal("2.5")))));
    Quoter.Quote priced = new Quoter(book).price(new Quoter.Context("webshop", null, null, "EUR", NOW),
        List.of(new Quoter.Line("SKU-1", 10), new Quoter.Line("SKU-2", 3), new Quoter.Line("SKU-NONE", 1)));
    JsonObject quote = new JsonObject(QuoteJson.write("q-1", NOW.plusSeconds(900), priced));
    assertEquals("q-1", quote.getString("quoteId"));
    assertEquals(NOW.toString(), quote.getString("at"));
    JsonArray lines = quote.getJsonArray("lines");
    assertEquals("0.0125", lines.getJsonObject(0).getString("unitPrice"));
    assertEquals("0.12", lines.getJsonObject(0).getString("extendedPrice"));
    assertEquals("2.50", lines.getJsonObject(1).getString("unitPrice"));
    assertEquals("7.50", lines.getJsonObject(1).getString("extendedPrice"));
    assertEquals("NOT_PRICED", lines.getJsonObject(2).getString("status"));
    assertFalse(lines.getJsonObject(2).containsKey("unitPrice"));
    assertEquals("7.62", quote.getJsonObject("totals").getString("total"));
    assertEquals(2, quote.getJsonObject("totals").getInteger("pricedLines"));
    assertEquals(1, quote.getJsonObject("totals").getInteger("unpricedLines"));
    assertEquals("R-1@3,R-2@7", quote.getString("priceVersion"));
  }

  private PriceBook.Selection select(String channel, String customerId, String group, int quantity) {
    return book.select(query(channel, customerId, group, quantity, NOW));
  }

  private static PriceQuery query(String channel, String customerId, String group, int quantity, Instant at) {
    return new PriceQuery("SKU-1", "EUR", channel, customerId, group, quantity, at);
  }

  private static PriceRule rule(String id, long version, String channel, String customerId, String group,
                                Instant from, Instant to, String price1, String price100) {
    return new PriceRule(id, version, "PL-EU", "SKU-1", "EUR", channel, customerId, group, from, to,
        List.of(new PriceRule.Tier(100, new BigDecimal(price100)), new PriceRule.Tier(1, new BigDecimal(price1))));
  }
}
