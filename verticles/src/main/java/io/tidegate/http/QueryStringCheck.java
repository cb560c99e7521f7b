package io.tidegate.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a query string that cannot be percent-decoded ({@code ?c%}, {@code ?a=%zz}) with a 400
 * before any route looks at it. Without it, the router decoded it while matching a route with a
 * path parameter, the decoder threw, and every such request logged an ERROR with a stack trace:
 * a client could fill the error log at line rate. Decoded once here, the parameters are cached
 * for the handlers.
 */
public final class QueryStringCheck implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext rc) {
    if (rc.request().query() != null) {
      try {
        rc.request().params();
      } catch (IllegalArgumentException e) {
        rc.fail(new ApiFailure.ValidationFailed("query", "is not a valid percent-encoded query string"));
        return;
      }
    }
    rc.next();
  }
}
