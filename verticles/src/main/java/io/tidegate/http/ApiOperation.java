package io.tidegate.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tidegate.schemas.events.CompiledSchema;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * One operation of the API contract and its compiled request checks. {@link #check} collects every
 * violation of the parameters and the body, with the pointers the contract defines
 * ({@code path:sku}, {@code query:location}, {@code header:Idempotency-Key}, {@code /lines/0/quantity}).
 */
public record ApiOperation(String operationId, HttpMethod method, String path, List<Param> params,
                           CompiledSchema body, boolean bodyRequired, String rateLimitPolicy) {

  /** Key under which {@link #check} leaves the parsed body (a Jackson tree) on the context. */
  public static final String BODY = "tidegate.body";

  /**
   * A query parameter's value after {@link #check}, or null when absent (validation has already
   * refused a parameter given twice).
   */
  public static String query(io.vertx.ext.web.RoutingContext rc, String name) {
    List<String> values = rc.queryParam(name);
    return values.isEmpty() ? null : values.get(0);
  }

  /**
   * Duplicate keys and trailing data are malformed JSON here: a body that two parsers would read
   * differently must not get past validation.
   */
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  /** The JSON type a parameter's text is read as before its schema is applied. */
  public enum Kind {
    STRING, INTEGER, NUMBER, BOOLEAN;

    static Kind of(String type) {
      return switch (type) {
        case "integer" -> INTEGER;
        case "number" -> NUMBER;
        case "boolean" -> BOOLEAN;
        default -> STRING;
      };
    }
  }

  /** A path, query or header parameter. */
  public record Param(String in, String name, boolean required, CompiledSchema schema, Kind kind) {

    void check(RoutingContext rc, List<ApiFailure.FieldError> errors) {
      List<String> values = switch (in) {
        case "path" -> rc.pathParam(name) == null ? List.of() : List.of(rc.pathParam(name));
        case "query" -> rc.queryParam(name);
        case "header" -> rc.request().headers().getAll(name);
        default -> List.of();
      };
      String pointer = in + ":" + name;
      if (values.isEmpty()) {
        if (required) {
          errors.add(new ApiFailure.FieldError(pointer, "is required"));
        }
        return;
      }
      if (values.size() > 1) {
        errors.add(new ApiFailure.FieldError(pointer, "must be given once, not " + values.size() + " times"));
        return;
      }
      JsonNode value = typed(values.get(0));
      if (value == null) {
        errors.add(new ApiFailure.FieldError(pointer, "must be " + (kind == Kind.INTEGER ? "an " : "a ")
            + kind.name().toLowerCase()));
        return;
      }
      for (String error : schema.errors(value, "")) {
        errors.add(new ApiFailure.FieldError(pointer, messageOf(error)));
      }
    }

    private JsonNode typed(String text) {
      try {
        return switch (kind) {
          case STRING -> TextNode.valueOf(text);
          case INTEGER -> LongNode.valueOf(Long.parseLong(text));
          case NUMBER -> DecimalNode.valueOf(new BigDecimal(text));
          case BOOLEAN -> "true".equals(text) ? BooleanNode.TRUE : "false".equals(text) ? BooleanNode.FALSE : null;
        };
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  /**
   * Checks the request; on success the parsed body (if any) is at {@link #BODY}. Returns the
   * failure to report, or {@code null} when the request matches the contract.
   */
  public ApiFailure check(RoutingContext rc) {
    List<ApiFailure.FieldError> errors = new ArrayList<>(0);
    for (Param param : params) {
      param.check(rc, errors);
    }
    if (body != null) {
      Buffer raw = rc.body().buffer();
      if (raw == null || raw.length() == 0) {
        if (bodyRequired) {
          errors.add(new ApiFailure.FieldError("", "a JSON body is required"));
        }
      } else {
        JsonNode tree;
        try {
          tree = JSON.readTree(raw.getBytes());
        } catch (JsonProcessingException e) {
          return new ApiFailure.ValidationFailed("", "The body is not well-formed JSON");
        } catch (java.io.IOException e) {
          return new ApiFailure.ValidationFailed("", "The body cannot be read");
        }
        for (String error : body.errors(tree, "")) {
          errors.add(new ApiFailure.FieldError(pointerOf(error), messageOf(error)));
        }
        rc.put(BODY, tree);
      }
    }
    if (errors.isEmpty()) {
      return null;
    }
    return new ApiFailure.ValidationFailed("The request does not match the API contract (" + errors.size()
        + " problem" + (errors.size() == 1 ? "" : "s") + ")", errors);
  }

  private static final String MISSING = "missing required property ";

  /**
   * {@code CompiledSchema} reports {@code "<pointer>: <message>"}, the root as {@code (root)}. A
   * missing member is pointed at where it belongs ({@code /shipTo}, not the object holding it), as
   * a client fixing the request looks for the field.
   */
  static String pointerOf(String error) {
    int split = error.indexOf(": ");
    String pointer = split < 0 ? "" : error.substring(0, split);
    pointer = pointer.equals("(root)") ? "" : pointer;
    String message = messageOf(error);
    if (message.startsWith(MISSING)) {
      String name = message.substring(MISSING.length());
      return pointer + "/" + name.replace("~", "~0").replace("/", "~1");
    }
    return pointer;
  }

  static String messageOf(String error) {
    int split = error.indexOf(": ");
    return split < 0 ? error : error.substring(split + 2);
  }
}
