package io.tidegate.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidegate.config.PricingSettings;
import io.tidegate.http.ApiFailure;
import io.tidegate.http.ApiKeyAuth;
import io.tidegate.http.ApiOperation;
import io.tidegate.http.Responses;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/prices:quote}: prices the lines from memory ({@link Quoter}) for the calling
 * channel and the customer's group (from configuration), stores the quote, and answers 201 with
 * {@code Location}. Unknown currency, a bad {@code at} or too many lines: 400 with pointers. The
 * quote store down or its pool saturated: 503 with {@code Retry-After}.
 */
public final class QuotePricesHandler implements Handler<RoutingContext> {

  private final Quoter quoter;
  private final QuoteRepository quotes;
  private final PricingSettings settings;
  private final Clock clock;

  public QuotePricesHandler(PriceBook book, QuoteRepository quotes, PricingSettings settings, Clock clock) {
    this.quoter = new Quoter(book);
    this.quotes = quotes;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext rc) {
    JsonNode request = rc.get(ApiOperation.BODY); // parsed and checked against the contract already
    String currency = request.path("currency").asText();
    JsonNode lines = request.path("lines");
    Instant now = clock.instant();
    Instant at = request.hasNonNull("at") ? parseInstant(request.get("at").asText()) : now;
    if (lines.size() > settings.maxQuoteLines()) {
      rc.fail(new ApiFailure.ValidationFailed("/lines", "at most " + settings.maxQuoteLines() + " lines per quote"));
    } else if (at == null) {
      rc.fail(new ApiFailure.ValidationFailed("/at", "not an RFC 3339 date-time"));
    } else if (!Money.isCurrency(currency)) {
      rc.fail(new ApiFailure.ValidationFailed("/currency", "'" + currency + "' is not an ISO 4217 currency"));
    } else {
      String channel = ApiKeyAuth.channel(rc).name();
      String customerId = request.hasNonNull("customerId") ? request.get("customerId").asText() : null;
      String quoteId = QuoteRepository.newQuoteId(now);
      Instant validUntil = now.plusSeconds(settings.quoteValiditySeconds());
      Quoter.Quote quote = quoter.price(new Quoter.Context(channel, customerId,
          customerId == null ? null : settings.customerGroups().get(customerId), currency, at), lines(lines));
      Buffer json = QuoteJson.write(quoteId, validUntil, quote);
      quotes.insert(quoteId, channel, customerId, json.toString(), now, validUntil)
          .onSuccess(v -> {
            rc.response().putHeader("Location", "/v1/prices/quotes/" + quoteId);
            Responses.json(rc, 201, json);
          })
          .onFailure(rc::fail);
    }
  }

  private static List<Quoter.Line> lines(JsonNode lines) {
    List<Quoter.Line> out = new ArrayList<>(lines.size());
    for (JsonNode line : lines) {
      out.add(new Quoter.Line(line.get("sku").asText(), line.get("quantity").asInt()));
    }
    return out;
  }

  private static Instant parseInstant(String value) {
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
