package io.tidegate.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts the operations of the OpenAPI document on a router. Every operation's request is
 * validated against the document before its handler runs, so a schema violation is a 400 with a
 * pointer per bad field. Routes are registered as regular expressions built from the document's
 * path templates, because AIP-136 custom methods such as {@code /v1/atp:check} contain a colon that
 * vertx-web's path syntax would read as a parameter. Each route is named after its template so
 * HTTP metrics carry bounded route labels, never raw paths.
 */
public final class OpenApiRoutes {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_]*)}");

  private final Router router;
  private final ApiContract contract;
  private final Set<String> registered = new HashSet<>();
  private final Guards guards;
  private final RequestMetrics metrics;
  private final BodyHandler bodies;

  /**
   * What runs before validation on a route with an {@code x-tidegate-rate-limit-policy}, so that
   * every answer of a throttled route, a 400 included, carries the RateLimit fields: the channel's
   * throttle first (a 429 costs no body read), then, once the body is read, the load shedder (its
   * latency samples then measure the gateway, not how fast a client uploads).
   */
  public interface Guards {
    Handler<RoutingContext> throttle(String policy);

    Handler<RoutingContext> shedder(String policy);
  }

  /**
   * @param guards    throttling and shedding per policy; null when throttling is off
   * @param metrics   the router's first handler, which records each request under its operation
   * @param bodyLimit the largest request body read (a larger one is a 413); bodies are read only on
   *                  routes that take one, after authentication and the throttle
   */
  public OpenApiRoutes(Router router, ApiContract contract, Guards guards, RequestMetrics metrics, long bodyLimit) {
    this.router = router;
    this.metrics = metrics;
    this.contract = contract;
    this.guards = guards;
    this.bodies = BodyHandler.create(false).setBodyLimit(bodyLimit);
  }

  /**
   * What the schema cannot say about a body (e.g. which SKUs exist). It runs only when the schema
   * refused the body, so that the 400 lists these problems with the schema's instead of in a second
   * round trip; when the schema accepts the body, the handler checks it whole.
   */
  public interface BodyCheck {
    List<ApiFailure.FieldError> errors(com.fasterxml.jackson.databind.JsonNode body);
  }

  private final java.util.Map<String, BodyCheck> bodyChecks = new java.util.HashMap<>();

  /** Set on an /admin request that passed validation: its handler audits what it does. */
  public static final String REACHED_HANDLER = "tidegate.reachedHandler";

  /** Adds {@code check} to {@code operationId}'s validation; call before {@link #operation}. */
  public OpenApiRoutes bodyCheck(String operationId, BodyCheck check) {
    bodyChecks.put(operationId, check);
    return this;
  }

  /** Serves {@code operationId} with the given handlers, after validation. */
  @SafeVarargs
  public final OpenApiRoutes operation(String operationId, Handler<RoutingContext>... handlers) {
    ApiOperation operation = contract.operation(operationId);
    if (operation == null) {
      throw new IllegalArgumentException("operation '" + operationId + "' is not in the OpenAPI document");
    }
    Route route = router.routeWithRegex(operation.method(), toRegex(operation.path()))
        .setName(operation.path());
    if (operation.method() == io.vertx.core.http.HttpMethod.GET) {
      // HEAD is GET without the body (RFC 9110 9.3.2); Vert.x leaves the body out of a HEAD answer
      route.method(io.vertx.core.http.HttpMethod.HEAD);
    }
    RequestMetrics.Operation measured = metrics.operation(operation.path(), operation.method(), routeClass(operation));
    route.handler(rc -> {
      RequestMetrics.routed(rc, measured);
      rc.next();
    });
    String policy = guards == null ? null : operation.rateLimitPolicy();
    if (policy != null) {
      route.handler(guards.throttle(policy));
    }
    if (operation.body() != null) {
      route.handler(OpenApiRoutes::requireJson);
      // As a plain handler: Vert.x refuses a BodyHandler after user handlers on the same route. It
      // sees all of the body because every handler before it calls next() synchronously (bearer
      // tokens are verified against keys already in memory); an asynchronous one would have to
      // pause the request first.
      route.handler(bodies::handle);
    }
    if (policy != null) {
      route.handler(guards.shedder(policy));
    }
    BodyCheck check = bodyChecks.get(operationId);
    boolean admin = operation.path().startsWith("/admin/");
    route.handler(rc -> validate(rc, operation, check, admin));
    for (Handler<RoutingContext> handler : handlers) {
      route.handler(handler);
    }
    registered.add(operationId);
    return this;
  }

  /**
   * Answers 501 for every operation of the document that has no handler yet; requests are still
   * authenticated and validated first, so clients get the same 400/401/413/415 as later.
   *
   * @param servedHere the operations this router serves (the public or the admin listener's)
   */
  public void remainingNotImplemented(java.util.function.Predicate<ApiOperation> servedHere) {
    List<String> rest = contract.operations().stream()
        .filter(servedHere)
        .map(ApiOperation::operationId)
        .filter(id -> !registered.contains(id))
        .toList();
    rest.forEach(id -> operation(id, rc -> rc.fail(new ApiFailure.NotImplemented(id))));
  }

  /** The label requests of this operation are counted under: its throttle policy, or admin/ops. */
  static String routeClass(ApiOperation operation) {
    if (operation.rateLimitPolicy() != null) {
      return operation.rateLimitPolicy();
    }
    return operation.path().startsWith("/admin/") ? "admin" : "ops";
  }

  private static void validate(RoutingContext rc, ApiOperation operation, BodyCheck check, boolean admin) {
    ApiFailure failure = operation.check(rc);
    if (failure == null) {
      if (admin) {
        rc.put(REACHED_HANDLER, Boolean.TRUE);
      }
      rc.next();
      return;
    }
    if (check != null && failure instanceof ApiFailure.ValidationFailed
        && rc.get(ApiOperation.BODY) instanceof com.fasterxml.jackson.databind.JsonNode body) {
      List<ApiFailure.FieldError> errors = new java.util.ArrayList<>(failure.errors());
      Set<String> pointers = new HashSet<>();
      errors.forEach(e -> pointers.add(e.pointer()));
      check.errors(body).stream().filter(e -> pointers.add(e.pointer())).forEach(errors::add);
      if (errors.size() > failure.errors().size()) {
        failure = new ApiFailure.ValidationFailed("The request does not match the API contract (" + errors.size()
            + " problems)", errors);
      }
    }
    rc.fail(failure);
  }

  private static void requireJson(RoutingContext rc) {
    if (rc.request().headers().getAll("Content-Type").size() > 1) {
      // A singleton field (RFC 9110): with two, which one a proxy in front honoured is anyone's guess.
      rc.fail(new ApiFailure.ValidationFailed("header:Content-Type", "must be sent once"));
      return;
    }
    String contentType = rc.request().getHeader("Content-Type");
    if (contentType == null || !isJson(contentType)) {
      rc.fail(new ApiFailure.UnsupportedMediaType(contentType));
      return;
    }
    rc.next();
  }

  /** application/json, with no charset or UTF-8 (RFC 8259: JSON between systems is UTF-8). */
  static boolean isJson(String contentType) {
    int semicolon = contentType.indexOf(';');
    String mime = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
    if (!mime.equalsIgnoreCase("application/json")) {
      return false;
    }
    for (String param : semicolon < 0 ? new String[0] : contentType.substring(semicolon + 1).split(";")) {
      int eq = param.indexOf('=');
      if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase("charset")) {
        String charset = param.substring(eq + 1).trim().replace("\"", "");
        if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
          return false;
        }
      }
    }
    return true;
  }

  static String toRegex(String template) {
    StringBuilder regex = new StringBuilder();
    Matcher m = PLACEHOLDER.matcher(template);
    int last = 0;
    while (m.find()) {
      regex.append(Pattern.quote(template.substring(last, m.start())));
      regex.append("(?<").append(m.group(1)).append(">[^/]+)");
      last = m.end();
    }
    regex.append(Pattern.quote(template.substring(last)));
    return regex.toString();
  }

}
