package io.tidegate.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates a request by its API key header and stores the principal on the context; a missing
 * or unknown key, or the header more than once, fails with 401 before validation or any handler runs.
 */
public final class ApiKeyAuth<P> implements Handler<RoutingContext> {

  /** Routing-context key of the authenticated principal (a {@link Channel} on /v1, the admin on /admin). */
  public static final String PRINCIPAL = "tidegate.principal";

  private final String header;
  private final ApiKeys<P> keys;
  private final String challenge;

  public ApiKeyAuth(String header, ApiKeys<P> keys) {
    this.header = header;
    this.keys = keys;
    // RFC 9110 asks every 401 to name a scheme; there is no registered one for API keys
    this.challenge = "ApiKey realm=\"tidegate\", header=\"" + header + "\"";
  }

  @Override
  public void handle(RoutingContext rc) {
    if (rc.request().headers().getAll(header).size() > 1) {
      // which one would count is up to each proxy on the way: refuse rather than guess
      rc.fail(new ApiFailure.Unauthorized("Send one " + header + " header, not several", challenge));
      return;
    }
    keys.lookup(rc.request().getHeader(header)).ifPresentOrElse(principal -> {
      authenticated(rc, principal);
      rc.next();
    }, () -> rc.fail(new ApiFailure.Unauthorized("Missing or unknown " + header + " header", challenge)));
  }

  static void authenticated(RoutingContext rc, Object principal) {
    rc.put(PRINCIPAL, principal);
  }

  /** The channel that made this /v1 request. */
  public static Channel channel(RoutingContext rc) {
    return rc.get(PRINCIPAL);
  }

  /** Who made this /admin request: the fingerprint of the admin key it presented. */
  public static String admin(RoutingContext rc) {
    Object principal = rc.get(PRINCIPAL);
    return principal instanceof String who ? who : "unauthenticated";
  }
}
