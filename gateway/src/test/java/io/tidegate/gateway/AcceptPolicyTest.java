package io.tidegate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidegate.dev.Eventually;
import io.tidegate.dev.Http;
import io.tidegate.dev.Http.Answer;
import io.tidegate.dev.TestStack;
import io.tidegate.schemas.Topics;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A channel whose ATP policy is {@code accept} has its orders taken without a stock check: more
 * than the stock is a 202, the order names no ship-from location, and nothing is reserved (unlike
 * {@code backorder}, which reserves the promised part, see {@code OrdersTest}).
 */
class AcceptPolicyTest {

  @Test
  void anOrderOverTheStockIsTakenWithoutAShipFromOrAReservation(@TempDir Path dir) throws Exception {
    // channels are a free map (no environment variables): the repository's file with one change
    String yaml = Files.readString(TestStack.repoConfig());
    String backorder = "    atpPolicy: backorder\n";
    assertEquals(1, yaml.split(backorder, -1).length - 1, "the marketplace's policy line");
    Path config = Files.writeString(dir.resolve("tidegate.yaml"), yaml.replace(backorder, "    atpPolicy: accept\n"));
    GatewayApp app = GatewayApp.start(ConfigLoader.load(config, TestStack.get().env())).await();
    try {
      Http http = new Http(app.port());
      String sku = "ACC-" + UUID.randomUUID().toString().substring(0, 8);
      InventoryFeedTest.publish(InventoryFeedTest.position(sku, "DC1", 1, 5, 0, 0, 0));
      Eventually.await(Duration.ofSeconds(20), sku + " known",
          () -> http.get("/v1/atp/" + sku, "X-Api-Key", "dev-marketplace-key").status(), s -> s == 200);

      Answer a = http.post("/v1/orders", "application/json", OrdersTest.body(null, "C-ACC", sku, 8).encode(),
          "X-Api-Key", "dev-marketplace-key", "Idempotency-Key", UUID.randomUUID().toString());
      assertEquals(202, a.status(), "8 of a stock of 5, taken: " + a.body());
      JsonObject total = http.get("/v1/atp/" + sku, "X-Api-Key", "dev-marketplace-key").json().getJsonObject("total");
      assertEquals(0, total.getInteger("reserved"), "nothing reserved (intake holds before its 202): " + total);
      assertEquals(5, total.getInteger("available"));

      String orderId = a.json().getString("orderId");
      JsonObject line = new JsonObject(new String(InventoryFeedTest.readAll(Topics.ORDERS_ACCEPTED, orderId).get(0)
          .value(), StandardCharsets.UTF_8)).getJsonObject("data").getJsonArray("lines").getJsonObject(0);
      assertEquals(8, line.getInteger("quantity"));
      assertTrue(line.getJsonArray("shipFrom") == null || line.getJsonArray("shipFrom").isEmpty(), line.encode());
    } finally {
      app.stop().await();
    }
  }
}
