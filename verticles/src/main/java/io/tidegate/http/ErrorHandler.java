package io.tidegate.http;

import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become RFC 9457 {@code application/problem+json}. Typed
 * {@link ApiFailure}s (request validation among them, see {@link ApiOperation}) keep their status
 * and code; anything unexpected is a 500 {@code INTERNAL} whose body never carries
 * the exception text (the cause is logged with the correlation id instead).
 */
public final class ErrorHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandler.class);
  public static final String PROBLEM_JSON = "application/problem+json";

  private final long bodyLimitBytes;
  private final java.util.function.Function<String, List<String>> allowedMethods;

  public ErrorHandler(long bodyLimitBytes) {
    this(bodyLimitBytes, path -> List.of());
  }

  /** @param allowedMethods the methods served at a request path, for the {@code Allow} field of a 405 */
  public ErrorHandler(long bodyLimitBytes, java.util.function.Function<String, List<String>> allowedMethods) {
    this.bodyLimitBytes = bodyLimitBytes;
    this.allowedMethods = allowedMethods;
  }

  @Override
  public void handle(RoutingContext rc) {
    if (rc.response().closed() || rc.failure() instanceof io.vertx.core.http.HttpClosedException) {
      LOG.debug("client went away before the answer on {} correlationId={}", rc.normalizedPath(), CorrelationId.of(rc));
      return;
    }
    if (rc.response().headWritten()) {
      LOG.warn("failure after the response started; closing. correlationId={} cause={}",
          CorrelationId.of(rc), String.valueOf(rc.failure()));
      rc.response().reset();
      return;
    }
    ApiFailure failure = toApiFailure(rc);
    if (failure == null) {
      LOG.error("unhandled failure on {} {} correlationId={}", rc.request().method(), rc.normalizedPath(),
          CorrelationId.of(rc), rc.failure());
      render(rc, 500, "INTERNAL", "Internal error",
          "The request could not be completed. Quote the correlation id when you report it.", List.of(), 0,
          Map.of());
      return;
    }
    if (failure.status() == 405) {
      List<String> allowed = allowedMethods.apply(rc.normalizedPath());
      if (!allowed.isEmpty()) {
        rc.response().putHeader("Allow", String.join(", ", allowed));
      }
    }
    if (failure instanceof ApiFailure.Unauthorized unauthorized && unauthorized.challenge() != null) {
      rc.response().putHeader("WWW-Authenticate", unauthorized.challenge());
    }
    render(rc, failure.status(), failure.code(), failure.title(), failure.detail(), failure.errors(),
        failure.retryAfterSeconds(), failure.extensions());
  }

  /** A failure Netty's HTTP decoder raised while reading the request (its body's framing). */
  private static boolean isHttpDecoding(Throwable cause) {
    if (cause instanceof io.netty.handler.codec.DecoderException) {
      return true;
    }
    StackTraceElement[] at = cause == null ? new StackTraceElement[0] : cause.getStackTrace();
    return at.length > 0 && at[0].getClassName().startsWith("io.netty.handler.codec.http.");
  }

  private ApiFailure toApiFailure(RoutingContext rc) {
    Throwable cause = rc.failure();
    if (cause instanceof ApiFailure api) {
      return api;
    }
    if (cause instanceof DecodeException) {
      return new ApiFailure.ValidationFailed("", "The body is not well-formed JSON");
    }
    if (isHttpDecoding(cause)) {
      // e.g. a chunk size that is not hexadecimal: the client's framing, not a server fault. What
      // follows on the connection cannot be trusted to start a request.
      rc.response().putHeader("Connection", "close");
      return new ApiFailure.ValidationFailed("", "The request body is not valid HTTP/1.1 (" + cause.getMessage() + ")");
    }
    int status = cause instanceof HttpException http ? http.getStatusCode() : rc.statusCode();
    return switch (status) {
      case 400 -> new ApiFailure.ValidationFailed("", "The request is malformed");
      case 401 -> new ApiFailure.Unauthorized("Missing or unknown API key");
      case 404 -> new ApiFailure.NotFound("No resource at " + rc.normalizedPath());
      case 405 -> new ApiFailure.MethodNotAllowed("Method " + rc.request().method() + " is not allowed here");
      case 413 -> new ApiFailure.PayloadTooLarge(bodyLimitBytes);
      case 415 -> new ApiFailure.UnsupportedMediaType(rc.request().getHeader("Content-Type"));
      case 417 -> new ApiFailure.ExpectationFailed(rc.request().getHeader("Expect"));
      default -> null;
    };
  }

  /** 400 for a request whose path cannot even be decoded (it never reaches the router). */
  static void malformedPath(io.vertx.core.http.HttpServerRequest request) {
    refuseUnrouted(request, 400, "The request path has a malformed %-escape", "path:",
        "malformed %-escape");
  }

  /**
   * A request the HTTP decoder could not read (request line or header fields too long, a malformed
   * head): 414, 431 or 400 as problem+json instead of Vert.x's bare status, then the connection is
   * closed (what follows on it cannot be trusted to start a request).
   */
  static void undecodable(io.vertx.core.http.HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    if (cause instanceof io.netty.handler.codec.http.TooLongHttpLineException) {
      refuseUnrouted(request, 414, "URI too long: the request line is longer than the server accepts",
          "path:", "too long");
    } else if (cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException) {
      refuseUnrouted(request, 431, "Request header fields too large: they are larger than the server accepts",
          "header:", "too large");
    } else {
      refuseUnrouted(request, 400, "The request is not valid HTTP/1.1", "", "malformed");
    }
    request.connection().close();
  }

  /** A {@code VALIDATION_FAILED} problem, with that code's one title whatever the status; the detail says what. */
  private static void refuseUnrouted(io.vertx.core.http.HttpServerRequest request, int status, String detail,
                                     String pointer, String message) {
    String correlationId = java.util.UUID.randomUUID().toString();
    JsonObject body = new JsonObject()
        .put("type", "https://tidegate.io/problems/validation-failed")
        .put("title", ApiFailure.ValidationFailed.TITLE)
        .put("status", status)
        .put("detail", detail)
        .put("code", "VALIDATION_FAILED")
        .put("correlationId", correlationId)
        .put("errors", new JsonArray().add(new JsonObject().put("pointer", pointer).put("message", message)));
    request.response().setStatusCode(status).putHeader("Content-Type", PROBLEM_JSON)
        .putHeader("X-Correlation-Id", correlationId).end(body.toBuffer());
  }

  static void render(RoutingContext rc, int status, String code, String title, String detail,
                     List<ApiFailure.FieldError> errors, long retryAfterSeconds, Map<String, Object> extensions) {
    JsonObject body = new JsonObject()
        .put("type", "https://tidegate.io/problems/" + code.toLowerCase().replace('_', '-'))
        .put("title", title)
        .put("status", status)
        .put("detail", detail)
        .put("code", code)
        .put("correlationId", CorrelationId.of(rc));
    if (!errors.isEmpty()) {
      JsonArray list = new JsonArray();
      errors.forEach(e -> list.add(new JsonObject().put("pointer", e.pointer()).put("message", e.message())));
      body.put("errors", list);
    }
    extensions.forEach(body::put);
    if (retryAfterSeconds > 0) {
      rc.response().putHeader("Retry-After", Long.toString(retryAfterSeconds));
    }
    rc.response()
        .setStatusCode(status)
        .putHeader("Content-Type", PROBLEM_JSON)
        .end(body.toBuffer());
  }
}
