package io.tidegate.pricing;

import io.tidegate.http.ApiFailure;
import io.tidegate.http.ApiKeyAuth;
import io.tidegate.http.Responses;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /v1/prices/quotes/{quoteId}}: the stored quote; unknown, expired or another channel's is 404. */
public final class GetQuoteHandler implements Handler<RoutingContext> {

  private final QuoteRepository quotes;

  public GetQuoteHandler(QuoteRepository quotes) {
    this.quotes = quotes;
  }

  @Override
  public void handle(RoutingContext rc) {
    String quoteId = rc.pathParam("quoteId");
    quotes.findText(quoteId, ApiKeyAuth.channel(rc).name())
        .onSuccess(body -> {
          if (body == null) {
            rc.fail(new ApiFailure.NotFound("No quote '" + quoteId + "' for this channel (unknown or expired)"));
          } else {
            Responses.json(rc, 200, Buffer.buffer(body));
          }
        })
        .onFailure(rc::fail);
  }
}
