package io.tidegate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tidegate.dev.Eventually;
import io.tidegate.dev.Http;
import io.tidegate.dev.TestStack;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two gateway instances sharing one broker and one database: both start together (migrations run
 * once, under a lock) and both serve every position from their own read model.
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
    } finally {
      Future.join(apps.stream().map(GatewayApp::stop).toList()).await();
    }
  }
}
