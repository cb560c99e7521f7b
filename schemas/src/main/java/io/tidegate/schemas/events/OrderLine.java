package io.tidegate.schemas.events;

import com.fasterxml.jackson.annotation.JsonFormat;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One line of an accepted order.
 *
 * @param unitPrice agreed unit price (a decimal string on the wire), or null
 * @param quoteId   the quote the price came from, or null
 */
public record OrderLine(
  String sku,
  int quantity,
  @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal unitPrice,
  String quoteId) {

  public OrderLine {
    Objects.requireNonNull(sku, "sku");
  }
}
