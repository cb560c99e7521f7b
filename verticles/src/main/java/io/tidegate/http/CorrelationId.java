package io.tidegate.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Accepts {@code X-Correlation-Id} (or makes one), keeps it on the routing context and echoes it on
 * every response. A value that is too long or carries odd characters is replaced rather than
 * echoed, so a client cannot inject into logs or headers.
 */
public final class CorrelationId implements Handler<RoutingContext> {

  public static final String HEADER = "X-Correlation-Id";
  private static final String KEY = "tidegate.correlationId";
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,128}");

  @Override
  public void handle(RoutingContext rc) {
    String given = rc.request().getHeader(HEADER);
    String id = given != null && SAFE.matcher(given).matches() ? given : UUID.randomUUID().toString();
    rc.put(KEY, id);
    rc.response().putHeader(HEADER, id);
    rc.next();
  }

  /** The request's correlation id; never null once this handler ran. */
  public static String of(RoutingContext rc) {
    String id = rc.get(KEY);
    return id != null ? id : "none";
  }
}
