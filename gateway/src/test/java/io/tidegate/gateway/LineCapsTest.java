package io.tidegate.gateway;

import static io.tidegate.gateway.GatewayHttpTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tidegate.dev.Http.Answer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The line caps are configuration (pricing.maxQuoteLines, orders.maxLines), below the contract's
 * 100: a quote or an order over its cap is a 400 pointing at {@code /lines}, one at the cap passes
 * the check.
 */
class LineCapsTest {

  private static final String KEY = "X-Api-Key";
  private static final String WEBSHOP = "dev-webshop-key";

  @RegisterExtension
  static final RunningGateway GATEWAY = new RunningGateway(Map.of("TIDEGATE_PRICING_MAX_QUOTE_LINES", "2",
        "TIDEGATE_ORDERS_MAX_LINES", "2"));

  @Test
  void aQuoteOverItsConfiguredCapIs400AndOneAtItIsPriced() {
    assertCapped(GATEWAY.http().post("/v1/prices:quote", "application/json", new JsonObject().put("currency", "EUR")
        .put("lines", lines(3)).encode(), KEY, WEBSHOP), "at most 2 lines per quote");
    assertEquals(201, GATEWAY.http().post("/v1/prices:quote", "application/json", new JsonObject().put("currency", "EUR")
        .put("lines", lines(2)).encode(), KEY, WEBSHOP).status());
  }

  @Test
  void anOrderOverItsConfiguredCapIs400() {
    JsonObject order = OrdersTest.body(null, "C-CAP", "SKU-0001", 1).put("lines", lines(3));
    assertCapped(GATEWAY.http().post("/v1/orders", "application/json", order.encode(), KEY, WEBSHOP, "Idempotency-Key",
        UUID.randomUUID().toString()), "at most 2 lines per order");
  }

  private static void assertCapped(Answer answer, String message) {
    assertProblem(answer, 400, "VALIDATION_FAILED");
    JsonObject error = answer.json().getJsonArray("errors").getJsonObject(0);
    assertEquals("/lines", error.getString("pointer"), answer.body());
    assertEquals(message, error.getString("message"), answer.body());
  }

  private static JsonArray lines(int n) {
    JsonArray lines = new JsonArray();
    for (int i = 1; i <= n; i++) {
      lines.add(new JsonObject().put("sku", String.format("SKU-%04d", i)).put("quantity", 1));
    }
    return lines;
  }
}
