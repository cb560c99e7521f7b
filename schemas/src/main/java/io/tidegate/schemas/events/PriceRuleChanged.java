package io.tidegate.schemas.events;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One version of a price rule, as produced by the ERP on {@code prices.rules.v1} (compacted,
 * key {@code ruleId}). Versions are append-only; a record whose {@code version} is not higher
 * than the one held is ignored. A null dimension ({@code channel}, {@code customerId},
 * {@code customerGroup}) means "any"; a null {@code validTo} means open-ended. Nulls are
 * written explicitly, as in the contract's example.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record PriceRuleChanged(
  String ruleId,
  long version,
  String priceListId,
  String sku,
  String currency,
  String channel,
  String customerId,
  String customerGroup,
  Instant validFrom,
  Instant validTo,
  List<PriceTier> tiers,
  String changedBy,
  String reason) implements EventData {

  public PriceRuleChanged {
    Objects.requireNonNull(ruleId, "ruleId");
    Objects.requireNonNull(priceListId, "priceListId");
    Objects.requireNonNull(sku, "sku");
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(validFrom, "validFrom");
    Objects.requireNonNull(changedBy, "changedBy");
    Objects.requireNonNull(reason, "reason");
    tiers = List.copyOf(Objects.requireNonNull(tiers, "tiers"));
  }

  @Override
  public String key() {
    return ruleId;
  }

  /** From {@code minQuantity} units on, each unit costs {@code unitPrice} (a decimal string on the wire). */
  public record PriceTier(
    int minQuantity,
    @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal unitPrice) {

    public PriceTier {
      Objects.requireNonNull(unitPrice, "unitPrice");
    }
  }
}
