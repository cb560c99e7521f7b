package io.tidegate.gateway;

import static io.tidegate.gateway.GatewayHttpTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidegate.dev.Eventually;
import io.tidegate.dev.Http;
import io.tidegate.dev.Http.Answer;
import io.tidegate.dev.TestStack;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Channel throttles through the real HTTP server: a flooding channel gets 429 with the contract's
 * headers while another is unaffected; the throttle file is reloaded while running (a bad file is
 * refused and the old limits stay); the admin API reads and replaces a channel's limits.
 */
class ThrottlingTest {

  private static final String KEY = "X-Api-Key";
  private static final String WEBSHOP = "dev-webshop-key";
  private static final String MARKETPLACE = "dev-marketplace-key";
  private static final String ADMIN = "dev-admin-key";
  private static final Pattern METRIC = Pattern.compile(
      "gateway_throttle_reloads_total\\{outcome=\"rejected\",source=\"file\"[^}]*} ([0-9.]+)");

  @TempDir
  static Path dir;
  private static Path file;
  private static GatewayApp app;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    file = dir.resolve("throttles.yaml");
    Files.writeString(file, throttles(5));
    app = GatewayApp.start(TestStack.get().config(Map.of("TIDEGATE_THROTTLING_FILE", file.toString(),
        "TIDEGATE_THROTTLING_RELOAD_INTERVAL_MS", "200"))).await();
    http = new Http(app.port());
    RunningGateway.awaitReady(http);
  }

  @AfterAll
  static void stop() {
    app.stop().await();
  }

  @Test
  void aChannelOverBudgetGets429WithHeadersWhileAnotherIsServed() {
    int limited = 0;
    int sent = 60;
    Answer last429 = null;
    long start = System.nanoTime();
    for (int i = 0; i < sent; i++) {
      Answer a = http.get("/v1/atp/SKU-0001", KEY, MARKETPLACE);
      assertEquals("\"atp\";q=5;w=1", a.header("RateLimit-Policy"), "on every answer of the route");
      assertTrue(a.header("RateLimit").startsWith("\"atp\";r="), a.header("RateLimit"));
      if (a.status() == 429) {
        limited++;
        last429 = a;
      }
      if (i % 5 == 0) {
        Answer other = http.get("/v1/atp/SKU-0001", KEY, WEBSHOP);
        assertTrue(other.status() == 200 || other.status() == 404, "webshop unaffected: " + other.body());
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // The bucket's invariant, whatever the machine's speed: at most burst + rate x elapsed admitted.
    long allowed = 5 + (long) Math.ceil(5 * seconds);
    assertTrue(sent - limited <= allowed, (sent - limited) + " admitted in " + seconds + " s; at most " + allowed);
    assertTrue(limited > 0, "60 requests in " + seconds + " s exceed a burst of 5 at 5/s");
    assertProblem(last429, 429, "RATE_LIMITED");
    assertEquals(new JsonArray().add("atp"), last429.json().getJsonArray("violated-policies"));
    assertTrue(Long.parseLong(last429.header("Retry-After")) >= 1, last429.header("Retry-After"));
  }

  @Test
  void theFileIsReloadedWhileRunningAndABadFileKeepsTheLimitsInForce() throws Exception {
    Files.writeString(file, throttles(7));
    Eventually.await(Duration.ofSeconds(15), "quota 7 in force",
        () -> http.get("/v1/atp/SKU-0001", KEY, MARKETPLACE).header("RateLimit-Policy"),
        policy -> "\"atp\";q=7;w=1".equals(policy));
    double rejectedBefore = rejectedReloads();
    Files.writeString(file, throttles(7).replace("maxConcurrent: 64", "maxConcurrent: lots"));
    Eventually.await(Duration.ofSeconds(15), "the bad file counted as rejected", ThrottlingTest::rejectedReloads,
        rejected -> rejected > rejectedBefore);
    assertEquals("\"atp\";q=7;w=1", http.get("/v1/atp/SKU-0001", KEY, MARKETPLACE).header("RateLimit-Policy"));
    Files.writeString(file, throttles(5));
    Eventually.await(Duration.ofSeconds(15), "quota 5 again",
        () -> http.get("/v1/atp/SKU-0001", KEY, MARKETPLACE).header("RateLimit-Policy"),
        policy -> "\"atp\";q=5;w=1".equals(policy));
  }

  @Test
  void theAdminApiReadsAndReplacesAChannelsLimits() {
    assertProblem(http.get("/admin/channels/webshop/limits", KEY, WEBSHOP), 401, "UNAUTHORIZED");
    Answer read = http.get("/admin/channels/webshop/limits", "X-Admin-Key", ADMIN);
    assertEquals(200, read.status(), read.body());
    assertTrue(read.body().contains("\"name\":\"atp\""), read.body());
    assertProblem(http.get("/admin/channels/nobody/limits", "X-Admin-Key", ADMIN), 404, "NOT_FOUND");

    Answer bad = put("/admin/channels/webshop/limits", new JsonObject().put("policies", new JsonArray()
        .add(new JsonObject().put("name", "atp").put("quota", 0).put("windowSeconds", 1))));
    assertProblem(bad, 400, "VALIDATION_FAILED");

    Answer unknown = put("/admin/channels/webshop/limits", new JsonObject().put("policies", new JsonArray()
        .add(new JsonObject().put("name", "atp").put("quota", 5).put("windowSeconds", 1))
        .add(new JsonObject().put("name", "quotes").put("quota", 5).put("windowSeconds", 1))));
    assertProblem(unknown, 400, "VALIDATION_FAILED");
    assertEquals("/policies/1/name", unknown.json().getJsonArray("errors").getJsonObject(0).getString("pointer"));

    Answer same = put("/admin/channels/webshop/limits", read.json());
    assertEquals(200, same.status(), "what GET answered can be sent back: " + same.body());
    assertEquals(read.json(), same.json());
    Answer cap = put("/admin/channels/webshop/limits", new JsonObject().put("maxConcurrent", 7).put("critical", true));
    assertEquals(200, cap.status(), cap.body());
    assertEquals(7, cap.json().getInteger("maxConcurrent"));
    assertTrue(cap.json().getBoolean("critical"));
    assertEquals(read.json().getJsonArray("policies"), cap.json().getJsonArray("policies"), "policies unchanged");

    // `pricing`, the name of the route class, is the `prices` policy
    Answer changed = put("/admin/channels/webshop/limits", new JsonObject().put("policies", new JsonArray()
        .add(new JsonObject().put("name", "pricing").put("quota", 3).put("windowSeconds", 1))));
    assertEquals(200, changed.status(), changed.body());
    Answer list = http.get("/admin/channels", "X-Admin-Key", ADMIN);
    JsonObject webshop = list.json().getJsonArray("channels").getJsonObject(1);
    assertEquals("webshop", webshop.getString("channel"));
    assertTrue(webshop.getBoolean("overridden"), list.body());
    assertEquals("\"prices\";q=3;w=1", http.post("/v1/prices:quote", "application/json",
        "{\"currency\":\"EUR\",\"lines\":[{\"sku\":\"SKU-0001\",\"quantity\":1}]}", KEY, WEBSHOP)
        .header("RateLimit-Policy"));

    assertProblem(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
        + "/admin/channels/webshop/limits")).DELETE()), 401, "UNAUTHORIZED");
    Answer reset;
    try (io.tidegate.dev.LogCapture audit = io.tidegate.dev.LogCapture.of("tidegate.audit")) {
      reset = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
          + "/admin/channels/webshop/limits")).DELETE(), "X-Admin-Key", ADMIN);
      String entries = audit.all();
      assertTrue(entries.contains("\"action\":\"limits.reset\"") && entries.contains("\"outcome\":\"applied\"")
          && entries.contains("\"target\":\"channel/webshop\""), entries);
    }
    assertEquals(200, reset.status(), reset.body());
    assertEquals(read.json(), reset.json(), "the file's limits again");
    assertFalse(http.get("/admin/channels", "X-Admin-Key", ADMIN).json().getJsonArray("channels").getJsonObject(1)
        .getBoolean("overridden"));
    assertEquals(read.json(), http.get("/admin/channels/webshop/limits", "X-Admin-Key", ADMIN).json());
    assertProblem(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
        + "/admin/channels/nobody/limits")).DELETE(), "X-Admin-Key", ADMIN), 404, "NOT_FOUND");
  }

  @Test
  void anAdminChangeRefusedBeforeItsOperationIsAuditedToo() {
    try (io.tidegate.dev.LogCapture audit = io.tidegate.dev.LogCapture.of("tidegate.audit")) {
      Answer noKey = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
              + "/admin/channels/webshop/limits")).header("Content-Type", "application/json")
          .header("X-Correlation-Id", "refused-1").PUT(HttpRequest.BodyPublishers.ofString("{}")));
      assertProblem(noKey, 401, "UNAUTHORIZED");
      Answer wrongType = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
              + "/admin/channels/webshop/limits")).header("Content-Type", "text/plain")
          .PUT(HttpRequest.BodyPublishers.ofString("{}")), "X-Admin-Key", ADMIN);
      assertProblem(wrongType, 415, "UNSUPPORTED_MEDIA_TYPE");
      assertProblem(http.get("/admin/channels/webshop/limits"), 401, "UNAUTHORIZED");
      String entries = audit.all();
      assertTrue(entries.contains("\"who\":\"unauthenticated\"") && entries.contains("\"correlationId\":\"refused-1\"")
          && entries.contains("\"target\":\"PUT /admin/channels/webshop/limits\"")
          && entries.contains("\"outcome\":\"refused:401\""), entries);
      assertTrue(entries.contains("\"outcome\":\"refused:415\"") && entries.contains("\"who\":\"admin-key:"), entries);
      assertEquals(2, entries.split("AUDIT", -1).length - 1, "reads are not audited: " + entries);
    }
  }

  private static Answer put(String path, JsonObject body) {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body.encode())),
        "X-Admin-Key", ADMIN);
  }

  private static double rejectedReloads() {
    Matcher m = METRIC.matcher(http.get("/metrics").body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static String throttles(int marketplaceAtp) {
    return """
        defaults:
          policies:
            atp:    { quota: 1000, windowSeconds: 1 }
            prices: { quota: 1000, windowSeconds: 1 }
            orders: { quota: 1000, windowSeconds: 1 }
            status: { quota: 1000, windowSeconds: 1 }
          maxConcurrent: 64
        channels:
          marketplace:
            policies:
              atp: { quota: %d, windowSeconds: 1 }
        overload:
          atp:    { minLimit: 20, maxLimit: 1000, initialLimit: 200, adaptive: true }
          prices: { minLimit: 10, maxLimit: 500,  initialLimit: 100, adaptive: true }
          orders: { minLimit: 10, maxLimit: 200,  initialLimit: 50,  adaptive: true }
          status: { minLimit: 10, maxLimit: 500,  initialLimit: 100, adaptive: true }
        """.formatted(marketplaceAtp);
  }
}
