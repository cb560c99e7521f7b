package io.tidegate.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Prices the lines of one quote request from the {@link PriceBook}; pure, no I/O. A line without a
 * rule is {@code NOT_PRICED} (no price fields) and adds nothing to the total. {@code priceVersion}
 * lists the rule versions used, {@code ruleId@version}, sorted and comma-separated (empty when no
 * line is priced): with {@code price_rule_versions} it explains every price in the quote later.
 * {@link QuoteJson} writes the answer.
 */
public final class Quoter {

  /** Who asks, in which currency, at which instant. */
  public record Context(String channel, String customerId, String customerGroup, String currency, Instant at) {
  }

  /** One line asked for. */
  public record Line(String sku, int quantity) {
  }

  /** One line answered; {@code selection} (and the prices) null when the line is not priced. */
  public record PricedLine(String sku, int quantity, PriceBook.Selection selection, BigDecimal unitPrice,
                           BigDecimal extendedPrice) {

    public boolean priced() {
      return selection != null;
    }
  }

  /** A whole quote, before it has an id. */
  public record Quote(Context context, List<PricedLine> lines, BigDecimal total, int pricedLines,
                      String priceVersion) {
  }

  private final PriceBook book;

  public Quoter(PriceBook book) {
    this.book = book;
  }

  /**
   * Prices every line.
   *
   * @throws IllegalArgumentException if the currency is not an ISO 4217 code with minor units
   */
  public Quote price(Context ctx, List<Line> lines) {
    int scale = Money.scaleOf(ctx.currency());
    BigDecimal total = BigDecimal.ZERO.setScale(scale);
    int priced = 0;
    TreeSet<String> versions = new TreeSet<>();
    List<PricedLine> out = new ArrayList<>(lines.size());
    for (Line line : lines) {
      PriceBook.Selection s = book.select(new PriceQuery(line.sku(), ctx.currency(), ctx.channel(), ctx.customerId(),
          ctx.customerGroup(), line.quantity(), ctx.at()));
      if (s == null) {
        out.add(new PricedLine(line.sku(), line.quantity(), null, null, null));
        continue;
      }
      BigDecimal unit = Money.unitPrice(s.tier().unitPrice(), scale);
      BigDecimal extended = Money.extended(unit, line.quantity(), scale);
      total = total.add(extended);
      priced++;
      versions.add(s.rule().versionTag());
      out.add(new PricedLine(line.sku(), line.quantity(), s, unit, extended));
    }
    return new Quote(ctx, out, total, priced, String.join(",", versions));
  }
}
