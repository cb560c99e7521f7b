package io.tidegate.schemas.events;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * One line of an accepted order.
 *
 * @param unitPrice agreed unit price (a decimal string on the wire), or null
 * @param quoteId   the quote the price came from, or null
 * @param shipFrom  where the gateway promised the quantity from when it accepted the order (its
 *                  soft reservation); empty when nothing was promised (a backorder, or the
 *                  event came from a producer that predates the field)
 */
public record OrderLine(
  String sku,
  int quantity,
  @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal unitPrice,
  String quoteId,
  @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ShipFrom> shipFrom) {

  /** A quantity promised from one location. */
  public record ShipFrom(String location, int quantity) {
    public ShipFrom {
      Objects.requireNonNull(location, "location");
    }
  }

  public OrderLine {
    Objects.requireNonNull(sku, "sku");
    shipFrom = shipFrom == null ? List.of() : List.copyOf(shipFrom);
  }

  public OrderLine(String sku, int quantity, BigDecimal unitPrice, String quoteId) {
    this(sku, quantity, unitPrice, quoteId, List.of());
  }
}
