package io.tidegate.schemas;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenApiTest {

  private static final Set<String> IMPLEMENTED = Set.copyOf(OpenApi.OPERATION_IDS);
  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");
  /** The stable codes listed in CONTRACT.md. */
  private static final List<String> CONTRACT_CODES = List.of("UNAUTHORIZED", "VALIDATION_FAILED", "NOT_FOUND",
    "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "IDEMPOTENCY_KEY_REUSED", "IDEMPOTENCY_KEY_IN_USE", "RATE_LIMITED",
    "OVERLOADED", "DEPENDENCY_UNAVAILABLE", "INTERNAL");

  private static Vertx vertx;
  private static JsonObject document;
  private static OpenAPIContract contract;

  @BeforeAll
  static void load() throws Exception {
    vertx = Vertx.vertx();
    document = OpenApi.document();
    contract = await(OpenAPIContract.from(vertx, OpenApi.routerDocument(), Map.of()));
  }

  @AfterAll
  static void close() throws Exception {
    await(vertx.close());
  }

  @Test
  void documentHasExactlyTheContractOperationsWithTheirStatus() {
    Set<String> ids = new TreeSet<>();
    Set<String> implemented = new TreeSet<>();
    forEachOperation((where, operation) -> {
      ids.add(operation.getString("operationId"));
      String status = operation.getString("x-tidegate-status");
      assertTrue(Set.of("implemented", "planned").contains(status), where + ": x-tidegate-status " + status);
      if ("implemented".equals(status)) {
        implemented.add(operation.getString("operationId"));
      }
    });
    assertEquals(new TreeSet<>(OpenApi.OPERATION_IDS), ids);
    assertEquals(new TreeSet<>(IMPLEMENTED), implemented);
  }

  @Test
  void vertxOpenApiAcceptsTheRouterDocument() {
    for (String id : OpenApi.OPERATION_IDS) {
      assertNotNull(contract.operation(id), id);
    }
    assertEquals("checkAtp", contract.findOperation("/v1/atp:check", HttpMethod.POST).getOperationId());
    assertEquals("quotePrices", contract.findOperation("/v1/prices:quote", HttpMethod.POST).getOperationId());
    assertEquals("getAtp", contract.findOperation("/v1/atp/SKU-0001", HttpMethod.GET).getOperationId());
    assertEquals("replayAllDeadLetters", contract.findOperation("/admin/dlq/orders/replay", HttpMethod.POST).getOperationId());
    assertEquals("replayDeadLetter", contract.findOperation("/admin/dlq/orders/o-1/replay", HttpMethod.POST).getOperationId());
  }

  /**
   * Vert.x 5.0.x refuses {@code application/problem+json} and {@code application/yaml}; this is why
   * {@link OpenApi#routerDocument()} exists. When this starts failing, Vert.x accepts the published
   * document as is and the adaptation can go.
   */
  @Test
  void vertx50RefusesThePublishedDocumentAsIs() {
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
      () -> await(OpenAPIContract.from(vertx, OpenApi.RESOURCE)));
    assertTrue(e.getCause().getMessage().contains("unsupported media type"), e.getCause().getMessage());
  }

  @Test
  void routerDocumentChangesOnlyMediaTypes() {
    JsonObject router = OpenApi.routerDocument();
    Set<String> publishedTypes = new TreeSet<>();
    Set<String> routerTypes = new TreeSet<>();
    JsonObject publishedProblem = resolve(new JsonObject().put("$ref", "#/components/responses/NotFound"));
    JsonObject routerProblem = router.getJsonObject("components").getJsonObject("responses").getJsonObject("NotFound");

    assertEquals(withoutContent(document, publishedTypes), withoutContent(router, routerTypes));
    assertTrue(publishedTypes.containsAll(Set.of("application/problem+json", "application/yaml")), publishedTypes.toString());
    assertEquals(Set.of("application/json", "text/plain"), routerTypes);
    assertEquals(publishedProblem.getJsonObject("content").getJsonObject("application/problem+json"),
      routerProblem.getJsonObject("content").getJsonObject("application/json"));
    assertTrue(new String(OpenApi.yaml(), StandardCharsets.UTF_8).startsWith("openapi: 3.1.0"));
  }

  /** A copy without the {@code content} of bodies and responses; collects the media types removed. */
  private static JsonObject withoutContent(JsonObject json, Set<String> mediaTypes) {
    JsonObject copy = json.copy();
    List<JsonObject> holders = new ArrayList<>();
    JsonObject paths = copy.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : METHODS) {
        JsonObject operation = paths.getJsonObject(path).getJsonObject(method);
        if (operation != null) {
          if (operation.containsKey("requestBody")) {
            holders.add(operation.getJsonObject("requestBody"));
          }
          JsonObject responses = operation.getJsonObject("responses");
          responses.fieldNames().forEach(code -> holders.add(responses.getJsonObject(code)));
        }
      }
    }
    JsonObject components = copy.getJsonObject("components").getJsonObject("responses");
    components.fieldNames().forEach(name -> holders.add(components.getJsonObject(name)));
    for (JsonObject holder : holders) {
      JsonObject content = (JsonObject) holder.remove("content");
      if (content != null) {
        mediaTypes.addAll(content.fieldNames());
      }
    }
    return copy;
  }

  @Test
  void everyResponseCarriesTheCorrelationId() {
    for (Operation operation : contract.operations()) {
      JsonObject responses = operation.getOpenAPIModel().getJsonObject("responses");
      for (String code : responses.fieldNames()) {
        if (code.startsWith("__")) {
          continue; // vertx-json-schema's resolution annotations
        }
        List<String> headers = new ArrayList<>();
        for (Parameter header : operation.getResponse(Integer.parseInt(code)).getHeaders()) {
          headers.add(header.getName());
        }
        assertTrue(headers.contains("X-Correlation-Id"), operation.getOperationId() + " " + code + ": " + headers);
      }
    }
  }

  @Test
  void errorsAreProblemDetailsWithTheContractCodes() {
    forEachOperation((where, operation) -> {
      JsonObject responses = operation.getJsonObject("responses");
      for (String code : responses.fieldNames()) {
        if (code.startsWith("4") || code.startsWith("5") && !"readiness".equals(operation.getString("operationId"))) {
          JsonObject response = resolve(responses.getJsonObject(code));
          JsonObject content = response.getJsonObject("content");
          assertEquals(Set.of("application/problem+json"), content.fieldNames(), where + " " + code);
          assertEquals("#/components/schemas/Problem",
            content.getJsonObject("application/problem+json").getJsonObject("schema").getString("$ref"), where + " " + code);
        }
      }
    });
    JsonObject codes = schema("ProblemCode");
    List<Object> documented = codes.getJsonArray("enum").getList();
    assertEquals(CONTRACT_CODES, documented.subList(0, CONTRACT_CODES.size()), "the contract's codes come first");
    assertEquals(List.of("INSUFFICIENT_STOCK", "METHOD_NOT_ALLOWED"), documented.subList(CONTRACT_CODES.size(),
      documented.size()), "codes the project adds");
    assertEquals(Set.of("type", "title", "status", "code", "correlationId"),
      new HashSet<>(schema("Problem").getJsonArray("required").getList()));
  }

  @Test
  void throttlingAndSheddingResponsesCarryTheirHeaders() {
    forEachOperation((where, operation) -> {
      JsonObject responses = operation.getJsonObject("responses");
      if (operation.containsKey("x-tidegate-rate-limit-policy")) {
        assertTrue(responses.containsKey("429"), where);
        assertTrue(responses.containsKey("503"), where);
        JsonObject ok = resolve(responses.getJsonObject(successCode(responses)));
        assertTrue(ok.getJsonObject("headers").containsKey("RateLimit-Policy"), where);
        assertTrue(ok.getJsonObject("headers").containsKey("RateLimit"), where);
      }
      if (responses.containsKey("429")) {
        Set<String> headers = resolve(responses.getJsonObject("429")).getJsonObject("headers").fieldNames();
        assertTrue(headers.containsAll(Set.of("Retry-After", "RateLimit-Policy", "RateLimit")), where + ": " + headers);
      }
      if (responses.containsKey("503")) {
        assertTrue(resolve(responses.getJsonObject("503")).getJsonObject("headers").containsKey("Retry-After"), where);
      }
    });
  }

  @Test
  void createOrderIsIdempotentAndAsynchronous() {
    Operation createOrder = contract.operation("createOrder");
    Parameter key = createOrder.getParameters().stream()
      .filter(p -> p.getName().equals("Idempotency-Key")).findFirst().orElseThrow();
    assertTrue(key.isRequired());
    assertEquals(1, (Integer) key.getSchema().get("minLength"));
    assertEquals(255, (Integer) key.getSchema().get("maxLength"));

    JsonObject responses = operation("post", "/v1/orders").getJsonObject("responses");
    assertTrue(responses.fieldNames().containsAll(Set.of("202", "409", "422", "503")), responses.fieldNames().toString());
    Set<String> accepted = responses.getJsonObject("202").getJsonObject("headers").fieldNames();
    assertTrue(accepted.containsAll(Set.of("Location", "Idempotent-Replayed", "X-Correlation-Id")), accepted.toString());
  }

  @Test
  void requestBodiesRejectUnknownPropertiesAndFloatMoney() {
    JsonObject order = new JsonObject()
      .put("customerId", "C-1")
      .put("shipTo", new JsonObject().put("name", "A").put("line1", "B").put("city", "C").put("postalCode", "1")
        .put("country", "NL"))
      .put("lines", new JsonArray().add(new JsonObject().put("sku", "SKU-0001").put("quantity", 2).put("unitPrice", "10.00")));
    assertTrue(validateBody("createOrder", order).getValid());

    JsonObject typo = order.copy();
    typo.getJsonObject("shipTo").put("contry", "NL");
    assertFalse(validateBody("createOrder", typo).getValid(), "unknown property in shipTo");

    JsonObject floatMoney = order.copy();
    floatMoney.getJsonArray("lines").getJsonObject(0).put("unitPrice", 10.0);
    assertFalse(validateBody("createOrder", floatMoney).getValid(), "money as a number");

    JsonObject tooMany = order.copy();
    JsonArray lines = new JsonArray();
    for (int i = 0; i < 101; i++) {
      lines.add(new JsonObject().put("sku", "SKU-0001").put("quantity", 1));
    }
    tooMany.put("lines", lines);
    assertFalse(validateBody("createOrder", tooMany).getValid(), "more than 100 lines");

    JsonObject check = new JsonObject().put("lines", new JsonArray().add(new JsonObject().put("sku", "SKU-1").put("qty", 1)));
    assertFalse(validateBody("checkAtp", check).getValid(), "typo in a line");
  }

  @Test
  void everyRequestBodySchemaIsClosed() {
    forEachOperation((where, operation) -> {
      JsonObject body = operation.getJsonObject("requestBody");
      if (body != null) {
        assertClosed(where, body.getJsonObject("content").getJsonObject("application/json").getJsonObject("schema"),
          new HashSet<>());
      }
    });
  }

  @Test
  void moneyIsNeverANumber() {
    assertFalse(document.encode().contains("\"type\":\"number\""), "a schema uses type: number");
    assertEquals("string", schema("Money").getString("type"));
    assertEquals("string", schema("MoneyAmount").getString("type"));
  }

  @Test
  void aComputedAmountHasRoomForTheLargestPriceTimesTheLargestQuantityOnEveryLine() {
    java.math.BigDecimal largestPrice = new java.math.BigDecimal("999999999999.9999");
    long largestQuantity = schema("Quantity").getLong("maximum");
    java.math.BigDecimal largestTotal = largestPrice.multiply(java.math.BigDecimal.valueOf(largestQuantity * 100));
    assertTrue(largestPrice.toPlainString().matches(schema("Money").getString("pattern")));
    assertTrue(largestTotal.toPlainString().matches(schema("MoneyAmount").getString("pattern")), largestTotal.toPlainString());
  }

  private static OutputUnit validateBody(String operationId, JsonObject body) {
    JsonSchema schema = contract.operation(operationId).getRequestBody().getContent().get("application/json").getSchema();
    return contract.getSchemaRepository().validator(schema).validate(body);
  }

  private static void assertClosed(String where, JsonObject schema, Set<String> seen) {
    if (schema.containsKey("$ref")) {
      String ref = schema.getString("$ref");
      if (seen.add(ref)) {
        assertClosed(where + " " + ref, resolve(schema), seen);
      }
      return;
    }
    if (schema.containsKey("properties")) {
      assertEquals(Boolean.FALSE, schema.getValue("additionalProperties"), where + " is not closed");
      JsonObject properties = schema.getJsonObject("properties");
      for (String name : properties.fieldNames()) {
        assertClosed(where + "/" + name, properties.getJsonObject(name), seen);
      }
    }
    if (schema.containsKey("items")) {
      assertClosed(where + "[]", schema.getJsonObject("items"), seen);
    }
  }

  private static String successCode(JsonObject responses) {
    return responses.fieldNames().stream().filter(c -> c.startsWith("2")).findFirst().orElseThrow();
  }

  private static JsonObject operation(String method, String path) {
    return document.getJsonObject("paths").getJsonObject(path).getJsonObject(method);
  }

  private static void forEachOperation(BiConsumer<String, JsonObject> action) {
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : METHODS) {
        JsonObject operation = paths.getJsonObject(path).getJsonObject(method);
        if (operation != null) {
          action.accept(method.toUpperCase() + " " + path, operation);
        }
      }
    }
  }

  private static JsonObject schema(String name) {
    return document.getJsonObject("components").getJsonObject("schemas").getJsonObject(name);
  }

  /** Follows a local {@code $ref} ({@code #/components/...}); other objects are returned as is. */
  private static JsonObject resolve(JsonObject maybeRef) {
    JsonObject current = maybeRef;
    while (current.containsKey("$ref")) {
      JsonObject target = document;
      for (String segment : current.getString("$ref").substring(2).split("/")) {
        target = target.getJsonObject(segment);
      }
      current = target;
    }
    return current;
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
