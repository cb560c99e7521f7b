package io.tidegate.gateway;

import static io.tidegate.gateway.GatewayHttpTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.tidegate.dev.Http;
import io.tidegate.dev.Http.Answer;
import io.tidegate.dev.TestStack;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An instance that has not yet loaded its stock and prices (here: its broker cannot be reached)
 * has no final answer to give: a SKU it does not know yet is not unknown. It answers 503 with
 * Retry-After, not 404, 400 "unknown SKU" or a quote line NOT_PRICED, while what needs only
 * PostgreSQL still works.
 */
class WarmUpTest {

  private static final String KEY = "X-Api-Key";
  private static final String WEBSHOP = "dev-webshop-key";

  @Test
  void beforeItsReadModelsAreLoadedAnInstanceAnswers503InsteadOfWrongFinalAnswers() throws Exception {
    int closed;
    try (ServerSocket free = new ServerSocket(0)) {
      closed = free.getLocalPort();
    }
    GatewayApp app = GatewayApp.start(TestStack.get().config(Map.of(
        "TIDEGATE_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + closed,
        "TIDEGATE_THROTTLING_ENABLED", "false"))).await();
    try {
      Http http = new Http(app.port());
      JsonArray line = new JsonArray().add(new JsonObject().put("sku", "SKU-0001").put("quantity", 1));
      Answer atp = http.get("/v1/atp/SKU-0001", KEY, WEBSHOP);
      assertProblem(atp, 503, "DEPENDENCY_UNAVAILABLE");
      assertEquals("5", atp.header("Retry-After"));
      assertProblem(http.post("/v1/atp:check", "application/json", new JsonObject().put("lines", line).encode(),
          KEY, WEBSHOP), 503, "DEPENDENCY_UNAVAILABLE");
      assertProblem(http.post("/v1/prices:quote", "application/json", new JsonObject().put("currency", "EUR")
          .put("lines", line).encode(), KEY, WEBSHOP), 503, "DEPENDENCY_UNAVAILABLE");
      JsonObject order = new JsonObject().put("customerId", "C-1")
          .put("shipTo", new JsonObject().put("name", "A").put("line1", "x").put("city", "R").put("postalCode", "1")
              .put("country", "NL"))
          .put("lines", line);
      assertProblem(http.post("/v1/orders", "application/json", order.encode(), KEY, WEBSHOP,
          "Idempotency-Key", UUID.randomUUID().toString()), 503, "DEPENDENCY_UNAVAILABLE");
      // A body the schema refuses is still a 400, without a pointer calling SKU-0001 unknown.
      Answer invalid = http.post("/v1/orders", "application/json", order.copy().put("customerId", 7).encode(), KEY,
          WEBSHOP, "Idempotency-Key", UUID.randomUUID().toString());
      assertProblem(invalid, 400, "VALIDATION_FAILED");
      assertFalse(invalid.body().contains("/lines/0/sku"), invalid.body());
      assertEquals(503, http.get("/health/ready").status());
      assertProblem(http.get("/v1/orders/" + UUID.randomUUID(), KEY, WEBSHOP), 404, "NOT_FOUND");
    } finally {
      app.stop().await();
    }
  }
}
