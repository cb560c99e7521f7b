package io.tidegate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tidegate.dev.Eventually;
import io.tidegate.dev.Http;
import io.tidegate.dev.Http.Answer;
import io.tidegate.dev.TestStack;
import io.tidegate.dev.erp.ErpSimulator;
import io.tidegate.dev.erp.ErpSimulatorOptions;
import io.tidegate.dev.erp.FeedWarehouse;
import io.tidegate.dev.erp.KafkaStatusSink;
import io.tidegate.schemas.Topics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The dev stack's ERP moves stock as a real ERP/WMS would: when it books an order, the order's
 * lines become {@code allocated} on the inventory feed (published before the BOOKED status that
 * ends the order's soft reservation), and when it ships them they leave {@code onHand}. So what a
 * channel sees as available stays down by the order after booking, instead of coming back.
 */
class ErpStockTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String KEY = "X-Api-Key";
  private static final String WEBSHOP = "dev-webshop-key";

  @Test
  void aBookedOrderIsAllocatedOnTheFeedThenShippedAndItsStockNeverComesBack() throws Exception {
    Vertx erpVertx = Vertx.vertx();
    String bootstrap = TestStack.get().kafka().bootstrapServers();
    KafkaStatusSink events = KafkaStatusSink.create(erpVertx, bootstrap);
    FeedWarehouse warehouse = FeedWarehouse.start(erpVertx, bootstrap).await();
    ErpSimulator erp = ErpSimulator.start(erpVertx, ErpSimulatorOptions.defaults().withPort(0).withLatencyMs(5)
        .withJitterMs(0).withProgressionStepMs(300), events, warehouse).await();
    GatewayApp app = GatewayApp.start(TestStack.get().config(Map.of(
        "TIDEGATE_ERP_BASE_URL", "http://127.0.0.1:" + erp.actualPort(),
        "TIDEGATE_ERP_POSTER_GROUP", "poster-" + UUID.randomUUID(),
        "TIDEGATE_ORDERS_STATUS_GROUP", "status-" + UUID.randomUUID()))).await();
    try {
      Http http = new Http(app.port());
      String sku = InventoryFeedTest.uniqueSku();
      InventoryFeedTest.publish(InventoryFeedTest.position(sku, "DC1", 1, 10, 0, 0, 0));
      Eventually.await(DEADLINE, "the gateway and the warehouse know " + sku, () -> http.get("/v1/atp/" + sku, KEY,
          WEBSHOP).status() == 200 && warehouse.position(sku, "DC1") != null, known -> known);

      Answer accepted = http.post("/v1/orders", "application/json", OrdersTest.body(null, "C-STOCK", sku, 4).encode(),
          KEY, WEBSHOP, "Idempotency-Key", UUID.randomUUID().toString());
      assertEquals(202, accepted.status(), accepted.body());
      String orderId = accepted.json().getString("orderId");
      Eventually.await(DEADLINE, "order INVOICED", () -> http.get("/v1/orders/" + orderId, KEY, WEBSHOP).json()
          .getString("status"), "INVOICED"::equals);

      List<JsonObject> feed = InventoryFeedTest.readAll(Topics.INVENTORY_POSITIONS, sku + "@DC1").stream()
          .map(r -> new JsonObject(new String(r.value(), StandardCharsets.UTF_8)).getJsonObject("data")).toList();
      assertEquals(3, feed.size(), "the demo position, its allocation and its shipment: " + feed);
      assertEquals(List.of(10, 0), figures(feed.get(0)));
      assertEquals(List.of(10, 4), figures(feed.get(1)), "booked: 4 allocated");
      assertEquals(List.of(6, 0), figures(feed.get(2)), "shipped: 4 gone from onHand");
      assertEquals(List.of(1L, 2L, 3L), feed.stream().map(p -> p.getLong("sequence")).toList());

      JsonObject total = Eventually.await(DEADLINE, "the shipment on the ATP answer", () -> http.get("/v1/atp/" + sku,
          KEY, WEBSHOP).json().getJsonObject("total"), t -> t.getInteger("onHand") == 6);
      assertEquals(0, total.getInteger("reserved"), total.encode());
      assertEquals(6, total.getInteger("available"), "10 less the 4 ordered, booked and shipped: " + total.encode());
    } finally {
      app.stop().await();
      erpVertx.close().await();
    }
  }

  private static List<Integer> figures(JsonObject position) {
    return List.of(position.getInteger("onHand"), position.getInteger("allocated"));
  }
}
