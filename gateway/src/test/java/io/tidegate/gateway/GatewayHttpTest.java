package io.tidegate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidegate.dev.Eventually;
import io.tidegate.dev.Http;
import io.tidegate.dev.Http.Answer;
import io.tidegate.dev.TestStack;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The cross-cutting HTTP contract, seen from outside: auth, errors, limits, health, metrics. */
class GatewayHttpTest {

  private static final String KEY = "X-Api-Key";
  private static final String WEBSHOP = "dev-webshop-key";

  @RegisterExtension
  static final RunningGateway GATEWAY = new RunningGateway();

  @Test
  void livenessAnswersAndEveryResponseCarriesACorrelationId() {
    Answer generated = GATEWAY.http().get("/health/live");
    assertEquals(200, generated.status());
    assertNotNull(generated.header("X-Correlation-Id"));
    Answer echoed = GATEWAY.http().get("/health/live", "X-Correlation-Id", "trace-abc-123");
    assertEquals("trace-abc-123", echoed.header("X-Correlation-Id"));
    Answer hostile = GATEWAY.http().get("/health/live", "X-Correlation-Id", "bad value\twith spaces");
    assertFalse(hostile.header("X-Correlation-Id").contains(" "));
  }

  @Test
  void readinessChecksKafkaPostgresBothFeedsAndReportsTheBreakers() {
    Answer ready = Eventually.await(Duration.ofSeconds(30), "/health/ready = 200",
        () -> GATEWAY.http().get("/health/ready"), a -> a.status() == 200);
    JsonArray checks = ready.json().getJsonArray("checks");
    java.util.Set<String> ids = new java.util.TreeSet<>();
    for (Object check : checks) {
      assertEquals("UP", ((JsonObject) check).getString("status"), ready.body());
      ids.add(((JsonObject) check).getString("id"));
    }
    assertEquals(java.util.Set.of("kafka", "postgres", "inventory-feed", "price-feed", "reservation-feeds", "erp",
        "kafka-producer", "lifecycle"), ids);
    assertTrue(ready.body().contains("\"breaker\":\"closed\""), ready.body());
  }

  @Test
  void onStopReadinessAnswers503WhileRequestsAreStillServedThenTheListenerCloses() throws Exception {
    GatewayApp stopping = GatewayApp.start(TestStack.get().config(
        java.util.Map.of("TIDEGATE_HTTP_SHUTDOWN_DRAIN_SECONDS", "5"))).await();
    Http client = new Http(stopping.port());
    Eventually.await(Duration.ofSeconds(30), "/health/ready = 200", () -> client.get("/health/ready"),
        a -> a.status() == 200);

    io.vertx.core.Future<Void> stopped = stopping.stop();
    Answer ready = client.get("/health/ready");
    assertEquals(503, ready.status(), ready.body());
    assertTrue(ready.body().contains("\"reason\":\"shutting down\""), ready.body());
    assertEquals(200, client.get("/health/live").status(), "requests are still served while draining");
    assertFalse(stopped.isComplete(), "the listeners close only after the drain period");

    stopped.await();
    assertThrows(java.net.ConnectException.class, () -> new java.net.Socket("127.0.0.1", stopping.port()).close());
  }

  @Test
  void aMissingOrUnknownKeyIs401ProblemJson() {
    for (Answer a : new Answer[] {
        GATEWAY.http().get("/v1/atp/SKU-0001"),
        GATEWAY.http().get("/v1/atp/SKU-0001", KEY, "not-a-key"),
        GATEWAY.http().get("/v1/atp/SKU-0001", KEY, "dev-admin-key"),
        GATEWAY.http().get("/v1/atp/SKU-0001", KEY, WEBSHOP, KEY, "not-a-key"),
        GATEWAY.http().get("/v1/atp/SKU-0001", KEY, WEBSHOP, KEY, WEBSHOP)}) {
      assertProblem(a, 401, "UNAUTHORIZED");
      assertEquals("ApiKey realm=\"tidegate\", header=\"X-Api-Key\"", a.header("WWW-Authenticate"));
    }
  }

  @Test
  void aMethodThePathDoesNotServeIs405ProblemJsonWithAllow() {
    Answer deleted = GATEWAY.http().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + GATEWAY.app().port() + "/v1/atp/SKU-0001")).DELETE(), KEY, WEBSHOP);
    assertProblem(deleted, 405, "METHOD_NOT_ALLOWED");
    assertEquals("GET, HEAD", deleted.header("Allow"));
    Answer put = GATEWAY.http().send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + GATEWAY.app().port() + "/v1/orders"))
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{}")), KEY, WEBSHOP);
    assertProblem(put, 405, "METHOD_NOT_ALLOWED");
    assertEquals(java.util.Set.of("GET", "HEAD", "POST"), java.util.Set.of(put.header("Allow").split(", ")),
        put.header("Allow"));
    Answer head = GATEWAY.http().send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + GATEWAY.app().port() + "/v1/atp/SKU-NOPE-HEAD"))
        .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()), KEY, WEBSHOP);
    assertEquals(404, head.status(), "HEAD is GET without the body");
    assertEquals("", head.body());
  }

  @Test
  void dotSegmentsCannotSkipAuthentication() {
    Answer a = GATEWAY.http().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + GATEWAY.app().port() + "/health/../v1/atp/SKU-0001")).GET());
    assertProblem(a, 401, "UNAUTHORIZED");
  }

  @Test
  void anUnknownSkuIs404ProblemJson() {
    Answer a = GATEWAY.http().get("/v1/atp/SKU-NOPE-404", KEY, WEBSHOP, "X-Correlation-Id", "c-404");
    assertProblem(a, 404, "NOT_FOUND");
    assertEquals("c-404", a.json().getString("correlationId"));
    assertTrue(a.json().getString("detail").contains("SKU-NOPE-404"));
  }

  @Test
  void aPathParameterThatBreaksTheSchemaIs400WithAPointer() {
    Answer a = GATEWAY.http().get("/v1/atp/" + "X".repeat(80), KEY, WEBSHOP);
    assertProblem(a, 400, "VALIDATION_FAILED");
    assertEquals("path:sku", a.json().getJsonArray("errors").getJsonObject(0).getString("pointer"), a.body());
    Answer q = GATEWAY.http().get("/v1/atp/SKU-0001?location=" + "no%20spaces", KEY, WEBSHOP);
    assertProblem(q, 400, "VALIDATION_FAILED");
    assertEquals("query:location", q.json().getJsonArray("errors").getJsonObject(0).getString("pointer"), q.body());
    Answer twice = GATEWAY.http().get("/v1/atp/SKU-0001?location=DC1&location=DC2", KEY, WEBSHOP);
    assertProblem(twice, 400, "VALIDATION_FAILED");
    assertEquals("query:location", twice.json().getJsonArray("errors").getJsonObject(0).getString("pointer"));
    // A pattern's $ is the end of the value, as JSON Schema has it (java.util.regex's also matches
    // before a final newline).
    Answer newline = GATEWAY.http().get("/v1/atp/SKU-0001%0A", KEY, WEBSHOP);
    assertProblem(newline, 400, "VALIDATION_FAILED");
    assertEquals("path:sku", newline.json().getJsonArray("errors").getJsonObject(0).getString("pointer"));
    Answer externalId = GATEWAY.http().get("/v1/orders?externalId=PO-7%0A", KEY, WEBSHOP);
    assertProblem(externalId, 400, "VALIDATION_FAILED");
    assertEquals("query:externalId", externalId.json().getJsonArray("errors").getJsonObject(0).getString("pointer"));
  }

  @Test
  void aBodyThatTwoParsersWouldReadDifferentlyIsMalformed() {
    assertProblem(GATEWAY.http().post("/v1/atp:check", "application/json",
        "{\"lines\":[{\"sku\":\"SKU-0001\",\"quantity\":1}],\"lines\":[]}", KEY, WEBSHOP), 400, "VALIDATION_FAILED");
    assertProblem(GATEWAY.http().post("/v1/atp:check", "application/json",
        "{\"lines\":[{\"sku\":\"SKU-0001\",\"quantity\":1}]} trailing", KEY, WEBSHOP), 400, "VALIDATION_FAILED");
  }

  @Test
  void aBodyThatBreaksTheSchemaIs400WithAPointerPerBadField() {
    Answer a = GATEWAY.http().post("/v1/atp:check", "application/json",
        "{\"lines\":[{\"sku\":\"SKU-0001\",\"quantity\":-1},{\"quantity\":2}]}", KEY, WEBSHOP);
    assertProblem(a, 400, "VALIDATION_FAILED");
    JsonArray errors = a.json().getJsonArray("errors");
    assertTrue(errors.size() >= 2, a.body());
    String all = errors.encode();
    assertTrue(all.contains("/lines/0/quantity"), a.body());
    assertTrue(all.contains("/lines/1"), a.body());
  }

  @Test
  void malformedJsonIs400() {
    assertProblem(GATEWAY.http().post("/v1/atp:check", "application/json", "{\"lines\": [", KEY, WEBSHOP),
        400, "VALIDATION_FAILED");
  }

  @Test
  void aWrongContentTypeIs415() {
    assertProblem(GATEWAY.http().post("/v1/atp:check", "text/plain", "lines", KEY, WEBSHOP), 415, "UNSUPPORTED_MEDIA_TYPE");
  }

  @Test
  void twoContentTypesAreRefusedWhicheverComesFirst() {
    String body = "{\"lines\":[{\"sku\":\"SKU-0001\",\"quantity\":1}]}";
    for (String[] types : new String[][] {{"application/json", "text/plain"}, {"text/plain", "application/json"}}) {
      Answer twice = GATEWAY.http().post("/v1/atp:check", types[0], body, KEY, WEBSHOP, "Content-Type", types[1]);
      assertProblem(twice, 400, "VALIDATION_FAILED");
      assertEquals("header:Content-Type", twice.json().getJsonArray("errors").getJsonObject(0).getString("pointer"));
    }
  }

  @Test
  void aBodyOverTheLimitIs413() {
    String big = "{\"lines\":[{\"sku\":\"" + "A".repeat(300 * 1024) + "\",\"quantity\":1}]}";
    assertProblem(GATEWAY.http().post("/v1/atp:check", "application/json", big, KEY, WEBSHOP), 413, "PAYLOAD_TOO_LARGE");
  }

  @Test
  void anUnknownPathIs404ProblemJson() {
    assertProblem(GATEWAY.http().get("/nothing/here"), 404, "NOT_FOUND");
  }

  @Test
  void theOpenApiDocumentIsServed() {
    Answer a = GATEWAY.http().get("/openapi.yaml");
    assertEquals(200, a.status());
    assertTrue(a.body().contains("openapi: 3.1"), a.body().substring(0, Math.min(200, a.body().length())));
  }

  @Test
  void httpMetricsAreLabelledByRouteTemplateNeverByRawPath() {
    GATEWAY.http().get("/v1/atp/SKU-METRIC-1", KEY, WEBSHOP);
    GATEWAY.http().get("/v1/atp/SKU-METRIC-2", KEY, WEBSHOP);
    Answer metrics = GATEWAY.http().get("/metrics");
    assertEquals(200, metrics.status());
    String httpLines = metrics.body().lines().filter(l -> l.startsWith("vertx_http_server"))
        .collect(java.util.stream.Collectors.joining("\n"));
    assertTrue(metrics.body().contains("route=\"/v1/atp/{sku}\""), "no route-template label in /metrics:\n" + httpLines);
    assertFalse(metrics.body().contains("SKU-METRIC-1"), "a raw path leaked into a metric label");
  }

  @Test
  void httpServerMetersCountEachRequestUnderItsRouteMethodAndCode() {
    String atp404 = "vertx_http_server_requests_total{code=\"404\",method=\"GET\",route=\"/v1/atp/{sku}\"}";
    String atpTime = "vertx_http_server_response_time_seconds_count{code=\"404\",method=\"GET\",route=\"/v1/atp/{sku}\"}";
    String fast = "vertx_http_server_response_time_seconds_bucket{code=\"404\",method=\"GET\",route=\"/v1/atp/{sku}\",le=\"10.0\"}";
    String odd = "vertx_http_server_requests_total{code=\"404\",method=\"other\",route=\"\"}";
    String unauthorized = "vertx_http_server_requests_total{code=\"401\",method=\"GET\",route=\"/v1/atp/{sku}\"}";
    String notAllowed = "vertx_http_server_requests_total{code=\"405\",method=\"DELETE\",route=\"/v1/atp/{sku}\"}";
    String channel = "gateway_requests_total{channel=\"webshop\",outcome=\"client_error\",route_class=\"atp\"}";
    String before = GATEWAY.http().get("/metrics").body();

    GATEWAY.http().get("/v1/atp/SKU-METER-1", KEY, WEBSHOP);
    GATEWAY.http().get("/v1/atp/SKU-METER-2", KEY, WEBSHOP);
    Answer brew = GATEWAY.http().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(GATEWAY.http().base() + "/coffee"))
        .method("BREW", java.net.http.HttpRequest.BodyPublishers.noBody()));
    assertEquals(404, brew.status(), brew.body());
    assertEquals(401, GATEWAY.http().get("/v1/atp/SKU-METER-3").status(), "refused before its route ran");
    assertEquals(405, GATEWAY.http().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(GATEWAY.http().base()
        + "/v1/atp/SKU-METER-4")).DELETE(), KEY, WEBSHOP).status());
    String after = GATEWAY.http().get("/metrics").body();

    assertEquals(2, OrdersTest.sample(after, atp404) - Math.max(0, OrdersTest.sample(before, atp404)), after);
    assertEquals(2, OrdersTest.sample(after, atpTime) - Math.max(0, OrdersTest.sample(before, atpTime)), after);
    assertEquals(2, OrdersTest.sample(after, fast) - Math.max(0, OrdersTest.sample(before, fast)), after);
    assertEquals(1, OrdersTest.sample(after, odd) - Math.max(0, OrdersTest.sample(before, odd)), after);
    assertEquals(1, OrdersTest.sample(after, unauthorized) - Math.max(0, OrdersTest.sample(before, unauthorized)),
        after);
    assertEquals(1, OrdersTest.sample(after, notAllowed) - Math.max(0, OrdersTest.sample(before, notAllowed)), after);
    assertEquals(3, OrdersTest.sample(after, channel) - Math.max(0, OrdersTest.sample(before, channel)),
        "the two 404s and the 405: " + after);
    assertTrue(OrdersTest.sample(after, "vertx_http_server_active_requests ") >= 1,
        "the scrape itself is an active request:\n" + after);
  }

  static void assertProblem(Answer a, int status, String code) {
    assertEquals(status, a.status(), a.body());
    assertEquals("application/problem+json", a.header("Content-Type"));
    JsonObject body = a.json();
    assertEquals(status, body.getInteger("status"));
    assertEquals(code, body.getString("code"));
    assertNotNull(body.getString("title"));
    assertNotNull(body.getString("type"));
    assertNotNull(a.header("X-Correlation-Id"));
  }
}
