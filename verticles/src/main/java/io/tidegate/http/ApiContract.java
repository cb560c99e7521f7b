package io.tidegate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidegate.schemas.OpenApi;
import io.tidegate.schemas.events.CompiledSchema;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operations of the OpenAPI document, with every request schema (parameters and JSON body)
 * compiled once at start-up into a {@link CompiledSchema}.
 *
 * <p>Why not vertx-openapi's {@code RequestValidator}: in 5.0.8 it hands every request to a worker
 * thread ({@code executeBlocking}) and builds a fresh schema validator per parameter per request;
 * profiling {@code GET /v1/atp/{sku}} showed it as most of the CPU and the reason the endpoint ran
 * at a tenth of a bare Vert.x route. The compiled checks run on the event loop in microseconds.
 * {@code CompiledSchema} refuses to compile a keyword it does not enforce, so a rule in the
 * document can never be silently skipped: start-up fails instead.
 *
 * <p>Immutable and thread-safe: one instance is shared by every HTTP verticle instance.
 */
public final class ApiContract {

  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

  private final Map<String, ApiOperation> operations;
  /** Each operation's path template as a pattern over request paths ({@code {sku}} is one segment). */
  private final Map<ApiOperation, java.util.regex.Pattern> pathPatterns = new LinkedHashMap<>();

  private ApiContract(Map<String, ApiOperation> operations) {
    this.operations = operations;
    operations.values().forEach(op -> pathPatterns.put(op,
        java.util.regex.Pattern.compile(OpenApiRoutes.toRegex(op.path()))));
  }

  /** The methods served at a request path, in document order, HEAD after GET (a 405's {@code Allow}). */
  public List<String> methodsAt(String requestPath) {
    List<String> methods = new ArrayList<>();
    pathPatterns.forEach((op, pattern) -> {
      if (pattern.matcher(requestPath).matches() && !methods.contains(op.method().name())) {
        methods.add(op.method().name());
        if (op.method() == HttpMethod.GET) {
          methods.add("HEAD");
        }
      }
    });
    return methods;
  }



  /** Reads and compiles the class-path document (blocking: call it at start-up). */
  public static ApiContract load() {
    return from(OpenApi.tree());
  }

  /** Compiles {@code document}, an OpenAPI 3.1 tree whose {@code $id} is set (see {@link OpenApi#tree()}). */
  public static ApiContract from(ObjectNode document) {
    String id = document.path("$id").asText();
    CompiledSchema.Compiler compiler = new CompiledSchema.Compiler().add(document);
    Map<String, ApiOperation> operations = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      String itemPointer = "/paths/" + escape(path.getKey());
      JsonNode item = path.getValue();
      for (Iterator<String> methods = item.fieldNames(); methods.hasNext(); ) {
        String method = methods.next();
        if (!METHODS.contains(method)) {
          continue;
        }
        String opPointer = itemPointer + "/" + method;
        JsonNode op = item.get(method);
        List<ApiOperation.Param> params = new ArrayList<>();
        addParams(document, compiler, id, item.path("parameters"), itemPointer + "/parameters", params);
        addParams(document, compiler, id, op.path("parameters"), opPointer + "/parameters", params);
        JsonNode json = op.path("requestBody").path("content").path("application/json");
        CompiledSchema body = json.has("schema") ? compiler.compile(id, opPointer + "/requestBody/content/application~1json/schema") : null;
        ApiOperation operation = new ApiOperation(op.path("operationId").asText(),
            HttpMethod.valueOf(method.toUpperCase()), path.getKey(), List.copyOf(params), body,
            op.path("requestBody").path("required").asBoolean(false),
            op.path("x-tidegate-rate-limit-policy").asText(null));
        operations.put(operation.operationId(), operation);
      }
    }
    return new ApiContract(Collections.unmodifiableMap(operations));
  }

  /** The operation with this id, or {@code null}. */
  public ApiOperation operation(String operationId) {
    return operations.get(operationId);
  }

  public List<ApiOperation> operations() {
    return List.copyOf(operations.values());
  }

  /** Path-level and operation-level parameters; an operation's entry overrides the path's. */
  private static void addParams(ObjectNode document, CompiledSchema.Compiler compiler, String id,
                                JsonNode list, String listPointer, List<ApiOperation.Param> out) {
    for (int i = 0; i < list.size(); i++) {
      JsonNode param = list.get(i);
      String pointer = listPointer + "/" + i;
      if (param.has("$ref")) {
        pointer = param.get("$ref").asText().substring(1);
        param = document.at(pointer);
      }
      String in = param.path("in").asText();
      String name = param.path("name").asText();
      JsonNode schema = param.path("schema");
      JsonNode resolved = schema.has("$ref") ? document.at(schema.get("$ref").asText().substring(1)) : schema;
      ApiOperation.Param compiled = new ApiOperation.Param(in, name, param.path("required").asBoolean(false),
          compiler.compile(id, pointer + "/schema"), ApiOperation.Kind.of(resolved.path("type").asText("string")));
      out.removeIf(p -> p.in().equals(compiled.in()) && p.name().equalsIgnoreCase(compiled.name()));
      out.add(compiled);
    }
  }

  private static String escape(String segment) {
    return segment.replace("~", "~0").replace("/", "~1");
  }
}
