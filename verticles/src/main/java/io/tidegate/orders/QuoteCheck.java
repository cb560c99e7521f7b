package io.tidegate.orders;

import io.tidegate.http.ApiFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;

/** Checks one order line against the stored quote it names. */
final class QuoteCheck {

  private QuoteCheck() {
  }

  /**
   * The line's agreed unit price, or null with an entry in {@code errors}.
   *
   * @param currency the order's currency so far: its own, or its first quote's; null for none yet
   */
  static BigDecimal price(JsonObject quote, String customerId, String currency, JsonObject line, BigDecimal given,
                          String pointer, List<ApiFailure.FieldError> errors) {
    if (quote == null) {
      errors.add(new ApiFailure.FieldError(pointer + "/quoteId", "unknown or expired quote"));
      return null;
    }
    String quoted = quote.getString("customerId");
    if (quoted != null && !quoted.equals(customerId)) {
      errors.add(new ApiFailure.FieldError(pointer + "/quoteId", "the quote was made for another customer"));
      return null;
    }
    String quotedIn = quote.getString("currency");
    if (currency != null && !currency.equals(quotedIn)) {
      errors.add(new ApiFailure.FieldError(pointer + "/quoteId", "the quote is in " + quotedIn + ", the order in "
          + currency));
      return null;
    }
    JsonObject quotedLine = find(quote.getJsonArray("lines", new JsonArray()), line.getString("sku"));
    if (quotedLine == null) {
      errors.add(new ApiFailure.FieldError(pointer + "/quoteId", "the quote has no priced line for this SKU"));
      return null;
    }
    BigDecimal unit = new BigDecimal(quotedLine.getString("unitPrice"));
    if (given != null && given.compareTo(unit) != 0) {
      errors.add(new ApiFailure.FieldError(pointer + "/unitPrice", "does not match the quoted unit price "
          + unit.toPlainString() + " " + quote.getString("currency")));
      return null;
    }
    return unit;
  }

  private static JsonObject find(JsonArray lines, String sku) {
    for (int i = 0; i < lines.size(); i++) {
      JsonObject l = lines.getJsonObject(i);
      if (sku.equals(l.getString("sku")) && "PRICED".equals(l.getString("status"))) {
        return l;
      }
    }
    return null;
  }
}
