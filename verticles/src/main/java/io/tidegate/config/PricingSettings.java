package io.tidegate.config;

import java.util.Map;

/**
 * Price quotes.
 *
 * @param quoteValiditySeconds a quote's {@code validUntil} is this long after it was made
 * @param quoteRetentionHours  a quote is deleted this long after its {@code validUntil} (0: as soon as
 *                             it expires); until then it stays in PostgreSQL for audits, though the
 *                             API answers 404 for it once it expired
 * @param maxQuoteLines        the runtime cap on lines per quote (the contract allows at most 100)
 * @param customerGroups       customerId → customer group (e.g. {@code C-GOLD-1: GOLD}); a customer
 *                             not listed belongs to no group. Read from configuration at start-up.
 */
public record PricingSettings(int quoteValiditySeconds, int quoteRetentionHours, int maxQuoteLines, Map<String, String> customerGroups) {

  public PricingSettings {
    Check.range("pricing.quoteValiditySeconds", quoteValiditySeconds, 1, 86_400 * 30);
    Check.range("pricing.quoteRetentionHours", quoteRetentionHours, 0, 24 * 366);
    Check.range("pricing.maxQuoteLines", maxQuoteLines, 1, 100);
    customerGroups.forEach((customer, group) -> Check.notBlank("pricing.customerGroups." + customer, group));
    customerGroups = Map.copyOf(customerGroups);
  }
}
