package io.tidegate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidegate.dev.Eventually;
import io.tidegate.dev.Http;
import io.tidegate.dev.Http.Answer;
import io.tidegate.dev.LogCapture;
import io.tidegate.dev.TestStack;
import io.tidegate.dev.erp.ErpSimulator;
import io.tidegate.dev.erp.ErpSimulatorOptions;
import io.tidegate.schemas.Topics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A gateway stopped while its ERP posts are under way lets them finish: every order the ERP took
 * is SUBMITTED on {@code orders.status.v1} before the stop returns, and the stop logs no failed
 * send or commit. Before, the stop closed the ERP client under the posts, so an order the ERP had
 * booked waited for the next start to be posted again (as a replay) before anyone heard of it.
 */
class GracefulStopTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @Test
  void postsUnderWayWhenTheGatewayStopsFinishAndTheirOutcomeIsPublished() throws Exception {
    Vertx erpVertx = Vertx.vertx();
    try {
      // A slow ERP (1 s per post) that sends no status of its own.
      ErpSimulator erp = ErpSimulator.start(erpVertx, ErpSimulatorOptions.defaults().withPort(0).withLatencyMs(1000)
          .withJitterMs(0).withRatePerSecond(1000).withProgressionStepMs(600_000),
          (orderId, correlationId, event) -> Future.succeededFuture()).await();
      Http sim = new Http(erp.actualPort());
      Map<String, String> env = new HashMap<>();
      env.put("TIDEGATE_ERP_BASE_URL", "http://127.0.0.1:" + erp.actualPort());
      env.put("TIDEGATE_ERP_RATE_PER_SECOND", "500");
      env.put("TIDEGATE_ERP_TIMEOUT_MS", "3000");
      env.put("TIDEGATE_ERP_POSTER_GROUP", "poster-" + UUID.randomUUID());
      env.put("TIDEGATE_ORDERS_STATUS_GROUP", "status-" + UUID.randomUUID());
      GatewayApp app = GatewayApp.start(TestStack.get().config(env)).await();
      Http http = new Http(app.port());
      String sku = "STOP-" + UUID.randomUUID().toString().substring(0, 8);
      InventoryFeedTest.publish(InventoryFeedTest.position(sku, "DC1", 1, 100, 0, 0, 0));
      Eventually.await(DEADLINE, sku + " known", () -> http.get("/v1/atp/" + sku, "X-Api-Key", "dev-webshop-key")
          .status(), s -> s == 200);
      List<String> orderIds = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Answer a = http.post("/v1/orders", "application/json", OrdersTest.body(null, "C-1004", sku, 1).encode(),
            "X-Api-Key", "dev-webshop-key", "Idempotency-Key", UUID.randomUUID().toString());
        assertEquals(202, a.status(), a.body());
        orderIds.add(a.json().getString("orderId"));
      }
      Eventually.await(DEADLINE, "ERP posts under way", () -> sim.get("/sim/stats").json().getInteger("postsInFlight"),
          inFlight -> inFlight > 0);

      try (LogCapture log = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
        app.stop().await();
        assertTrue(log.lines().stream().noneMatch(l -> l.contains("send failed") || l.contains("commit failed")),
            log.all());
      }

      List<String> taken = orderIds.stream().filter(id -> sim.get("/orders/" + id).status() == 200).toList();
      assertTrue(!taken.isEmpty(), "the ERP took at least one order before the stop");
      for (String orderId : taken) {
        assertTrue(InventoryFeedTest.readAll(Topics.ORDERS_STATUS, orderId).stream()
                .map(r -> new JsonObject(new String(r.value(), StandardCharsets.UTF_8)).getJsonObject("data"))
                .anyMatch(d -> d.getString("status").equals("SUBMITTED")),
            "order " + orderId + ", which the ERP took, is SUBMITTED on " + Topics.ORDERS_STATUS);
      }
    } finally {
      erpVertx.close().await();
    }
  }
}
