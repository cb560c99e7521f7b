package io.tidegate.pricing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.TreeSet;

/**
 * Prices the lines of one quote request from the {@link PriceBook}; pure, no I/O. A line without a
 * rule is {@code NOT_PRICED} (no price fields) and adds nothing to the total. {@code priceVersion}
 * lists the rule versions used, {@code ruleId@version}, sorted and comma-separated (empty when no
 * line is priced): with {@code price_rule_versions} it explains every price in the quote later.
 */
public final class Quoter {

  /** Who asks, in which currency, at which instant. */
  public record Context(String channel, String customerId, String customerGroup, String currency, Instant at) {
  }

  private final PriceBook book;

  public Quoter(PriceBook book) {
    this.book = book;
  }

  /**
   * The quote body without {@code quoteId} and {@code validUntil}.
   *
   * @throws IllegalArgumentException if the currency is not an ISO 4217 code with minor units
   */
  public JsonObject price(Context ctx, JsonArray lines) {
    int scale = Money.scaleOf(ctx.currency());
    BigDecimal total = BigDecimal.ZERO.setScale(scale);
    int priced = 0;
    TreeSet<String> versions = new TreeSet<>();
    JsonArray out = new JsonArray();
    for (int i = 0; i < lines.size(); i++) {
      JsonObject line = lines.getJsonObject(i);
      String sku = line.getString("sku");
      int quantity = line.getInteger("quantity");
      JsonObject answer = new JsonObject().put("sku", sku).put("quantity", quantity).put("currency", ctx.currency());
      PriceBook.Selection s = book.select(new PriceQuery(sku, ctx.currency(), ctx.channel(), ctx.customerId(),
          ctx.customerGroup(), quantity, ctx.at()));
      if (s == null) {
        out.add(answer.put("status", "NOT_PRICED"));
        continue;
      }
      BigDecimal unit = Money.unitPrice(s.tier().unitPrice(), scale);
      BigDecimal extended = Money.extended(unit, quantity, scale);
      total = total.add(extended);
      priced++;
      versions.add(s.rule().versionTag());
      out.add(answer.put("status", "PRICED").put("unitPrice", unit.toPlainString())
          .put("extendedPrice", extended.toPlainString()).put("priceListId", s.rule().priceListId())
          .put("ruleId", s.rule().ruleId()).put("ruleVersion", s.rule().version())
          .put("tier", new JsonObject().put("minQuantity", s.tier().minQuantity())));
    }
    JsonObject body = new JsonObject().put("priceVersion", String.join(",", versions))
        .put("currency", ctx.currency()).put("at", ctx.at().toString());
    if (ctx.customerId() != null) {
      body.put("customerId", ctx.customerId());
    }
    return body.put("lines", out).put("totals", new JsonObject().put("total", total.toPlainString())
        .put("pricedLines", priced).put("unpricedLines", lines.size() - priced));
  }
}
