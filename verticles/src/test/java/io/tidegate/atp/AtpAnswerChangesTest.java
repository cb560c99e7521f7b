package io.tidegate.atp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidegate.kafka.FeedStatus;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every change an ATP answer is made from shows in the next answer: a position, a reservation, the
 * feed's asOf and staleness (also a guard for any cache a later change may put in front of it).
 */
class AtpAnswerChangesTest {

  private final AtomicLong clockMillis = new AtomicLong(1_700_000_000_000L);
  private final InventoryReadModel model = new InventoryReadModel();
  private final SoftReservations reservations = new SoftReservations(60_000, clockMillis::get);
  private final FeedStatus feed = new FeedStatus(10_000, clockMillis::get);
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Vertx vertx;
  private HttpServer server;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.get("/v1/atp/:sku").handler(new GetAtpHandler(model, reservations, feed));
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    model.apply("SKU-1", position("DC1", 1, 100));
    model.apply("SKU-1", position("DC2", 1, 40));
    feed.markInSync();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void aRepeatedAnswerIsTheSameAndEveryChangeItWasWrittenFromShowsInTheNextOne() throws Exception {
    JsonObject first = atp("SKU-1");
    assertEquals(first, atp("SKU-1"), "unchanged: the same answer");
    assertEquals(140, first.getJsonObject("total").getInteger("available"));

    model.apply("SKU-1", position("DC1", 2, 90));
    assertEquals(130, atp("SKU-1").getJsonObject("total").getInteger("available"), "a new position");

    reservations.hold("order-1", List.of(new SoftReservations.Line("SKU-1", "DC2", 15)), clockMillis.get());
    JsonObject held = atp("SKU-1");
    assertEquals(15, held.getJsonObject("total").getInteger("reserved"), "a new reservation");
    assertEquals(115, held.getJsonObject("total").getInteger("available"));
    reservations.release("order-1");
    assertEquals(0, atp("SKU-1").getJsonObject("total").getInteger("reserved"), "a released reservation");

    String asOf = atp("SKU-1").getString("asOf");
    clockMillis.addAndGet(2_000);
    feed.markInSync();
    JsonObject later = atp("SKU-1");
    assertFalse(asOf.equals(later.getString("asOf")), "a new asOf: " + later);
    assertFalse(later.getBoolean("stale"));

    clockMillis.addAndGet(11_000);
    JsonObject stale = atp("SKU-1");
    assertTrue(stale.getBoolean("stale"), "stale once the feed is behind its bound");
    assertTrue(stale.getJsonObject("total").getBoolean("stale"), "and so is the total: " + stale);
    assertTrue(stale.getJsonArray("locations").getJsonObject(1).getBoolean("stale"), "and each location: " + stale);
  }

  @Test
  void oneLocationIsAnsweredFromTheModelAndLeavesTheWholeAnswerAlone() throws Exception {
    JsonObject whole = atp("SKU-1");
    JsonObject dc2 = atp("SKU-1?location=DC2");
    assertEquals(1, dc2.getJsonArray("locations").size());
    assertEquals(40, dc2.getJsonObject("total").getInteger("available"));
    assertEquals(whole, atp("SKU-1"));
  }

  private JsonObject atp(String pathAndQuery) throws Exception {
    HttpResponse<String> resp = client.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.actualPort() + "/v1/atp/" + pathAndQuery))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, resp.statusCode(), resp.body());
    return new JsonObject(resp.body());
  }

  private static LocationPosition position(String location, long sequence, int onHand) {
    return new LocationPosition(location, sequence, onHand, 0, 0, 0, List.of());
  }
}
