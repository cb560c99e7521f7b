package io.tidegate.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;

/**
 * Money arithmetic rules, in one place. Amounts are {@link BigDecimal}s at the currency's scale
 * (ISO 4217 minor units, {@link Currency#getDefaultFractionDigits()}: EUR 2, JPY 0, KWD 3).
 * A unit price is shown exactly as the rule states it, padded to the currency's scale but never
 * rounded (a rule may carry sub-cent unit prices); an extended price is unit price × quantity
 * rounded once to the currency's scale with {@link RoundingMode#HALF_EVEN} (banker's rounding);
 * a total is the exact sum of the rounded extended prices.
 */
public final class Money {

  public static final RoundingMode ROUNDING = RoundingMode.HALF_EVEN;

  private Money() {
  }

  /**
   * The scale of an ISO 4217 currency code.
   *
   * @throws IllegalArgumentException if the code is not an ISO 4217 currency, or one without minor
   *                                  units defined (XAU, XXX: not money to quote in)
   */
  public static int scaleOf(String currencyCode) {
    int digits = Currency.getInstance(currencyCode).getDefaultFractionDigits();
    if (digits < 0) {
      throw new IllegalArgumentException("'" + currencyCode + "' has no minor unit");
    }
    return digits;
  }

  /** Whether the code is an ISO 4217 currency with minor units, one to quote and order in. */
  public static boolean isCurrency(String currencyCode) {
    try {
      scaleOf(currencyCode);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public static BigDecimal unitPrice(BigDecimal price, int scale) {
    return price.scale() >= scale ? price : price.setScale(scale);
  }

  public static BigDecimal extended(BigDecimal unitPrice, int quantity, int scale) {
    return unitPrice.multiply(BigDecimal.valueOf(quantity)).setScale(scale, ROUNDING);
  }
}
