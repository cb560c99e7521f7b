package io.tidegate.pricing;

import io.tidegate.http.ApiFailure;
import io.tidegate.http.ApiKeyAuth;
import io.tidegate.http.Responses;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/prices/quotes/{quoteId}}: the stored quote as it was answered, also after its
 * {@code validUntil} (to explain it) for {@code pricing.quoteRetentionHours}; unknown, past that or
 * another channel's is 404.
 */
public final class GetQuoteHandler implements Handler<RoutingContext> {

  private final QuoteRepository quotes;
  private final int retentionHours;

  public GetQuoteHandler(QuoteRepository quotes, int retentionHours) {
    this.quotes = quotes;
    this.retentionHours = retentionHours;
  }

  @Override
  public void handle(RoutingContext rc) {
    String quoteId = rc.pathParam("quoteId");
    quotes.findKept(quoteId, ApiKeyAuth.channel(rc).name(), retentionHours)
        .onSuccess(body -> {
          if (body == null) {
            rc.fail(new ApiFailure.NotFound("No quote '" + quoteId + "' for this channel (unknown, or expired more than "
                + retentionHours + " h ago)"));
          } else {
            Responses.json(rc, 200, Buffer.buffer(body));
          }
        })
        .onFailure(rc::fail);
  }
}
