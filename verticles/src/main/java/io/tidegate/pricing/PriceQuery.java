package io.tidegate.pricing;

import java.time.Instant;

/** What one quote line asks: a price for {@code quantity} of {@code sku} in {@code currency} at {@code at}. */
public record PriceQuery(String sku, String currency, String channel, String customerId, String customerGroup,
                         int quantity, Instant at) {
}
