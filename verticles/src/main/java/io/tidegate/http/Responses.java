package io.tidegate.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/** Writing successful JSON answers; failures go through {@link ErrorHandler} instead. */
public final class Responses {

  private Responses() {
  }

  public static void json(RoutingContext rc, int status, Buffer body) {
    rc.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body);
  }
}
