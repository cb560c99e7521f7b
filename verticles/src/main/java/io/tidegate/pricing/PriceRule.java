package io.tidegate.pricing;

import io.tidegate.schemas.events.PriceRuleChanged;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * One version of a price rule as the {@link PriceBook} holds it: immutable, tiers sorted by
 * {@code minQuantity}. A null dimension ({@code channel}, {@code customerId}, {@code customerGroup})
 * means "any"; a null {@code validTo} means open-ended; the window is {@code [validFrom, validTo)}.
 */
public record PriceRule(String ruleId, long version, String priceListId, String sku, String currency,
                        String channel, String customerId, String customerGroup, Instant validFrom,
                        Instant validTo, List<Tier> tiers) {

  /** From {@code minQuantity} units on, each unit costs {@code unitPrice}. */
  public record Tier(int minQuantity, BigDecimal unitPrice) {
  }

  public PriceRule {
    tiers = tiers.stream().sorted(Comparator.comparingInt(Tier::minQuantity)).toList();
  }

  public static PriceRule of(PriceRuleChanged e) {
    return new PriceRule(e.ruleId(), e.version(), e.priceListId(), e.sku(), e.currency(), e.channel(),
        e.customerId(), e.customerGroup(), e.validFrom(), e.validTo(),
        e.tiers().stream().map(t -> new Tier(t.minQuantity(), t.unitPrice())).toList());
  }

  /** {@code ruleId@version}: how a quote names the rule versions it used. */
  public String versionTag() {
    return ruleId + "@" + version;
  }

  boolean validAt(Instant at) {
    return !validFrom.isAfter(at) && (validTo == null || at.isBefore(validTo));
  }

  /**
   * Specificity as a bit set, compared as a number: customer (4) &gt; customer group (2) &gt;
   * channel (1) &gt; any (0). A rule naming a customer beats any rule that does not; among rules
   * naming the same dimensions, one that also names the channel wins.
   */
  int specificity() {
    return (customerId != null ? 4 : 0) | (customerGroup != null ? 2 : 0) | (channel != null ? 1 : 0);
  }

  /** The highest tier whose {@code minQuantity} is at most {@code quantity}, or null. */
  Tier tierFor(int quantity) {
    Tier best = null;
    for (Tier t : tiers) {
      if (t.minQuantity() <= quantity) {
        best = t;
      }
    }
    return best;
  }
}
