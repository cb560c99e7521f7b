package io.tidegate.orders;

import io.tidegate.http.ApiFailure;
import io.tidegate.http.ApiOperation;
import io.tidegate.http.Responses;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * {@code GET /admin/reconciliation/orders?from=&to=&limit=}: the operator's report of orders
 * accepted vs posted to the ERP vs booked by it, with the stuck ones (see {@link OrderReport}).
 * The request was validated against the document, so the dates parse; the window must run forward
 * and span at most 31 days, which the schema cannot say.
 */
public final class ReconciliationHandler implements Handler<RoutingContext> {

  static final Duration DEFAULT_WINDOW = Duration.ofHours(24);
  static final Duration MAX_WINDOW = Duration.ofDays(31);
  private static final int DEFAULT_LIMIT = 100;
  private static final long RETRY_AFTER_SECONDS = 2;

  private final OrderReport report;
  private final Clock clock;

  public ReconciliationHandler(OrderReport report, Clock clock) {
    this.report = report;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext rc) {
    Instant to = instant(rc, "to", clock.instant());
    Instant from = to == null ? null : instant(rc, "from", to.minus(DEFAULT_WINDOW));
    if (from == null) {
      return;
    }
    if (!from.isBefore(to)) {
      rc.fail(new ApiFailure.ValidationFailed("query:from", "must be before to (" + to + ")"));
      return;
    }
    if (Duration.between(from, to).compareTo(MAX_WINDOW) > 0) {
      rc.fail(new ApiFailure.ValidationFailed("query:to", "the window may span at most 31 days"));
      return;
    }
    String limit = ApiOperation.query(rc, "limit");
    report.reconcile(from, to, limit == null ? DEFAULT_LIMIT : Integer.parseInt(limit))
        .onSuccess(json -> Responses.json(rc, 200, json.toBuffer()))
        .onFailure(e -> rc.fail(new ApiFailure.DependencyUnavailable(
            "The order status store is unreachable; try again shortly", RETRY_AFTER_SECONDS)));
  }

  /** The parameter's instant, {@code otherwise} when absent, or null after failing the request. */
  private static Instant instant(RoutingContext rc, String name, Instant otherwise) {
    String value = ApiOperation.query(rc, name);
    try {
      return value == null ? otherwise : OffsetDateTime.parse(value.toUpperCase(Locale.ROOT)).toInstant();
    } catch (DateTimeParseException e) {
      rc.fail(new ApiFailure.ValidationFailed("query:" + name, "not an RFC 3339 date-time such as 2026-11-23T00:00:00Z"));
      return null;
    }
  }

}
