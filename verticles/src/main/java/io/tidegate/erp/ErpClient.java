package io.tidegate.erp;

import io.tidegate.config.ErpSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * The ERP's {@code POST /orders}, with the order id as its Idempotency-Key and the correlation id
 * passed on. Answers are classified for the poster: created, refused for good (4xx), rate limited
 * (429 + Retry-After) or worth retrying (5xx, time-out, connection failure: a failed future).
 */
public final class ErpClient {

  /** How the ERP answered one post. */
  public sealed interface Outcome {
    record Created(String erpOrderNumber) implements Outcome { }
    record Refused(int status, String reason) implements Outcome { }
    record RateLimited(long retryAfterMs) implements Outcome { }
  }

  /** A 5xx: worth retrying. */
  public static final class ServerError extends RuntimeException {
    private final int status;

    public ServerError(int status, String body) {
      super("ERP answered " + status + (body == null || body.isBlank() ? "" : ": " + truncate(body)), null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  /**
   * Whether a failed post says the ERP as a whole is unavailable (503, connection refused) rather
   * than that this order failed: an outage costs the order no attempt, it waits.
   */
  public static boolean isOutage(Throwable failure) {
    return failure instanceof ServerError e && e.status() == 503 || failure instanceof java.net.ConnectException;
  }

  private final WebClient client;
  private final String ordersUrl;
  private final int timeoutMs;

  public ErpClient(Vertx vertx, ErpSettings settings) {
    this.client = WebClient.create(vertx, new WebClientOptions()
            .setConnectTimeout(Math.min(settings.timeoutMs(), 5000))
            .setKeepAlive(true),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(Math.max(1, settings.concurrency())));
    this.ordersUrl = settings.baseUrl().replaceAll("/+$", "") + "/orders";
    this.timeoutMs = settings.timeoutMs();
  }

  public Future<Outcome> post(String orderId, String correlationId, JsonObject order) {
    return client.postAbs(ordersUrl)
        .putHeader("Idempotency-Key", orderId)
        .putHeader("X-Correlation-Id", correlationId)
        .timeout(timeoutMs)
        .sendJsonObject(order)
        .compose(ErpClient::classify);
  }

  public void close() {
    client.close();
  }

  private static Future<Outcome> classify(HttpResponse<Buffer> r) {
    int status = r.statusCode();
    if (status >= 200 && status < 300) {
      JsonObject body = json(r);
      return Future.succeededFuture(new Outcome.Created(body == null ? null : body.getString("erpOrderNumber")));
    }
    if (status == 429) {
      return Future.succeededFuture(new Outcome.RateLimited(retryAfterMs(r.getHeader("Retry-After"))));
    }
    if (status >= 500 || status == 408) {
      return Future.failedFuture(new ServerError(status, r.bodyAsString()));
    }
    JsonObject body = json(r);
    String reason = body == null ? null : body.getString("reason", body.getString("detail"));
    return Future.succeededFuture(new Outcome.Refused(status,
        reason == null ? "ERP refused the order with HTTP " + status : truncate(reason)));
  }

  private static long retryAfterMs(String header) {
    try {
      return Math.max(100, Math.min(300_000, Long.parseLong(header == null ? "1" : header.trim()) * 1000));
    } catch (NumberFormatException e) {
      return 1000;
    }
  }

  private static JsonObject json(HttpResponse<Buffer> r) {
    try {
      return r.bodyAsJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String truncate(String s) {
    return s.length() <= 500 ? s : s.substring(0, 500);
  }
}
