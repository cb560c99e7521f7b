package io.tidegate.orders;

import io.tidegate.http.ApiFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
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
    List<JsonObject> priced = priced(quote.getJsonArray("lines", new JsonArray()), line.getString("sku"));
    if (priced.isEmpty()) {
      errors.add(new ApiFailure.FieldError(pointer + "/quoteId", "the quote has no priced line for this SKU"));
      return null;
    }
    // A tier's price holds from its minQuantity on: quoting 500 units does not price an order of 5.
    int quantity = line.getInteger("quantity");
    List<JsonObject> eligible = priced.stream().filter(l -> minQuantity(l) <= quantity).toList();
    if (eligible.isEmpty()) {
      int least = priced.stream().mapToInt(QuoteCheck::minQuantity).min().orElseThrow();
      errors.add(new ApiFailure.FieldError(pointer + "/quantity", "the quoted unit price applies from " + least
          + " units on"));
      return null;
    }
    if (given != null) {
      for (JsonObject l : eligible) {
        BigDecimal unit = new BigDecimal(l.getString("unitPrice"));
        if (unit.compareTo(given) == 0) {
          return unit;
        }
      }
      errors.add(new ApiFailure.FieldError(pointer + "/unitPrice", "does not match the quoted unit price "
          + best(eligible).getString("unitPrice") + " " + quotedIn));
      return null;
    }
    return new BigDecimal(best(eligible).getString("unitPrice"));
  }

  /** The quote's priced lines for the SKU. */
  private static List<JsonObject> priced(JsonArray lines, String sku) {
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      JsonObject l = lines.getJsonObject(i);
      if (sku.equals(l.getString("sku")) && "PRICED".equals(l.getString("status"))) {
        out.add(l);
      }
    }
    return out;
  }

  /** Of quoted lines that apply, the one of the highest tier: the quote's best price for the quantity. */
  private static JsonObject best(List<JsonObject> eligible) {
    return eligible.stream().max(Comparator.comparingInt(QuoteCheck::minQuantity)).orElseThrow();
  }

  private static int minQuantity(JsonObject quotedLine) {
    JsonObject tier = quotedLine.getJsonObject("tier");
    return tier == null ? 1 : tier.getInteger("minQuantity", 1);
  }
}
