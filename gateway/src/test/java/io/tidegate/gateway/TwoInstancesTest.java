package io.tidegate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tidegate.dev.Eventually;
import io.tidegate.dev.Http;
import io.tidegate.dev.TestStack;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two gateway instances sharing one broker and one database: both start together (migrations run
 * once, under a lock) and both serve every position from their own read model; an order one of
 * them accepts is reserved on the other too, and its Idempotency-Key holds on both.
 */
class TwoInstancesTest {

  @Test
  void twoInstancesStartTogetherAndBothServeTheSamePositions() throws Exception {
    List<GatewayApp> apps = Future.all(GatewayApp.start(TestStack.get().config()),
        GatewayApp.start(TestStack.get().config())).await().list();
    try {
      String sku = InventoryFeedTest.uniqueSku();
      InventoryFeedTest.publish(InventoryFeedTest.position(sku, "DC1", 1, 77, 0, 0, 0));
      for (GatewayApp app : apps) {
        Http http = new Http(app.port());
        Http.Answer a = Eventually.await(Duration.ofSeconds(20), "ATP on port " + app.port(),
            () -> http.get("/v1/atp/" + sku, "X-Api-Key", "dev-marketplace-key"), r -> r.status() == 200);
        assertEquals(77, a.json().getJsonObject("total").getInteger("onHand"));
      }
      List<List<String>> applied = TestStack.get().postgres().query("SELECT count(*) FROM schema_migrations WHERE version = 1");
      assertEquals("1", applied.get(0).get(0));

      Http first = new Http(apps.get(0).port());
      Http second = new Http(apps.get(1).port());
      String stocked = InventoryFeedTest.uniqueSku();
      InventoryFeedTest.publish(InventoryFeedTest.position(stocked, "DC1", 1, 10, 0, 0, 0));
      for (Http http : List.of(first, second)) {
        Eventually.await(Duration.ofSeconds(20), stocked + " known", () -> http.get("/v1/atp/" + stocked,
            "X-Api-Key", "dev-webshop-key").status(), s -> s == 200);
      }
      String key = UUID.randomUUID().toString();
      String body = OrdersTest.body(null, "C-TWO", stocked, 4).encode();
      Http.Answer accepted = first.post("/v1/orders", "application/json", body, "X-Api-Key", "dev-webshop-key",
          "Idempotency-Key", key);
      assertEquals(202, accepted.status(), accepted.body());
      Eventually.await(Duration.ofSeconds(20), "the order reserved on the other instance", () -> second.get(
          "/v1/atp/" + stocked, "X-Api-Key", "dev-webshop-key").json().getJsonObject("total").getInteger("reserved"),
          reserved -> reserved == 4);
      Http.Answer replayed = second.post("/v1/orders", "application/json", body, "X-Api-Key", "dev-webshop-key",
          "Idempotency-Key", key);
      assertEquals(202, replayed.status(), replayed.body());
      assertEquals("true", replayed.header("Idempotent-Replayed"), "the key holds on the other instance");
      assertEquals(accepted.json(), replayed.json());
    } finally {
      Future.join(apps.stream().map(GatewayApp::stop).toList()).await();
    }
  }
}
