package io.tidegate.schemas;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The gateway's OpenAPI 3.1 document, {@value #RESOURCE} on the class path.
 *
 * <p>The document is the published contract and is served as is. Vert.x 5.0.x's
 * {@code OpenAPIContract} refuses some media types the document needs
 * ({@code application/problem+json} for errors, {@code application/yaml} for the document
 * itself), so a router must be built from {@link #routerDocument()} instead.
 *
 * <p>The methods read the class path: call them at start-up, off the event loop.
 */
public final class OpenApi {

  /** Class-path location of the document. */
  public static final String RESOURCE = "openapi/tidegate.yaml";

  /** Every operationId in the document (its {@code x-tidegate-status} says which are served yet). */
  public static final List<String> OPERATION_IDS = List.of(
    "getAtp", "checkAtp", "quotePrices", "getQuote", "createOrder", "findOrders", "getOrder",
    "liveness", "readiness", "metrics", "getOpenApi",
    "listChannels", "getChannelLimits", "replaceChannelLimits", "resetChannelLimits",
    "listDeadLetters", "replayDeadLetter", "replayAllDeadLetters", "reconcileOrders");

  /** Media types vertx-openapi 5.0.x accepts (its {@code MediaType.SUPPORTED_MEDIA_TYPES}). */
  private static final Set<String> VERTX_SUPPORTED = Set.of(
    "application/json", "application/json; charset=utf-8", "multipart/form-data",
    "application/hal+json", "application/octet-stream", "text/plain", "text/plain; charset=utf-8");
  private static final Pattern VERTX_VENDOR_JSON = Pattern.compile("^[^/]+/vnd\\.[\\w.-]+\\+json$");
  private static final Set<String> HTTP_METHODS =
    Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  private OpenApi() {
  }

  /** The document's bytes (UTF-8 YAML), e.g. to serve {@code GET /openapi.yaml}. */
  public static byte[] yaml() {
    try (InputStream in = OpenApi.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("class-path resource missing: " + RESOURCE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /**
   * {@code $id} given to {@link #tree()}, so that {@code io.tidegate.schemas.events.CompiledSchema}
   * can compile the document's request schemas and resolve their {@code $ref}s.
   */
  public static final String DOCUMENT_ID = "https://tidegate.io/openapi/tidegate.yaml";

  /** The document parsed into a fresh Jackson tree, with {@link #DOCUMENT_ID} as its {@code $id}. */
  public static ObjectNode tree() {
    try {
      ObjectNode root = (ObjectNode) new ObjectMapper(new YAMLFactory()).readTree(yaml());
      root.put("$id", DOCUMENT_ID);
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + RESOURCE, e);
    }
  }

  /** The document parsed into a fresh {@link JsonObject}. */
  @SuppressWarnings("unchecked")
  public static JsonObject document() {
    try {
      Map<String, Object> map = new ObjectMapper(new YAMLFactory()).readValue(yaml(), Map.class);
      return new JsonObject(map);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + RESOURCE, e);
    }
  }

  /**
   * The document adapted for {@code io.vertx.openapi.contract.OpenAPIContract.from(vertx, json, Map.of())}
   * of Vert.x 5.0.x; see {@link #forVertxRouter(JsonObject)}.
   */
  public static JsonObject routerDocument() {
    return forVertxRouter(document());
  }

  /**
   * A copy of {@code document} that the Vert.x 5.0.x OpenAPI loader accepts. Only the media
   * types of request bodies and responses change: a {@code +json} type the loader does not
   * know (such as {@code application/problem+json}) becomes {@code application/json}, any
   * other unknown type (such as {@code application/yaml}) is dropped. Routes, parameters,
   * request schemas and security are untouched, so request validation is unchanged.
   */
  public static JsonObject forVertxRouter(JsonObject document) {
    JsonObject copy = document.copy();
    JsonObject paths = copy.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (!HTTP_METHODS.contains(method)) {
          continue;
        }
        JsonObject operation = item.getJsonObject(method);
        adaptContentHolder(operation.getJsonObject("requestBody"));
        adaptAll(operation.getJsonObject("responses"));
      }
    }
    JsonObject components = copy.getJsonObject("components", new JsonObject());
    adaptAll(components.getJsonObject("responses"));
    adaptAll(components.getJsonObject("requestBodies"));
    return copy;
  }

  private static void adaptAll(JsonObject holders) {
    if (holders == null) {
      return;
    }
    for (String name : holders.fieldNames()) {
      Object holder = holders.getValue(name);
      if (holder instanceof JsonObject) {
        adaptContentHolder((JsonObject) holder);
      }
    }
  }

  private static void adaptContentHolder(JsonObject holder) {
    if (holder == null || holder.getJsonObject("content") == null) {
      return; // no body, or a $ref to a component adapted on its own
    }
    JsonObject content = holder.getJsonObject("content");
    JsonObject adapted = new JsonObject();
    for (String type : content.fieldNames()) {
      if (isVertxSupported(type)) {
        adapted.put(type, content.getValue(type));
      }
    }
    for (String type : content.fieldNames()) {
      if (!isVertxSupported(type) && type.endsWith("+json") && !adapted.containsKey("application/json")) {
        adapted.put("application/json", content.getValue(type));
      }
    }
    if (adapted.isEmpty()) {
      holder.remove("content");
    } else {
      holder.put("content", adapted);
    }
  }

  private static boolean isVertxSupported(String type) {
    return VERTX_SUPPORTED.contains(type.toLowerCase()) || VERTX_VENDOR_JSON.matcher(type).matches();
  }
}
