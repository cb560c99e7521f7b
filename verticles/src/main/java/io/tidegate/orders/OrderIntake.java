package io.tidegate.orders;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidegate.atp.InventoryReadModel;
import io.tidegate.atp.SoftReservations;
import io.tidegate.config.ChannelSettings;
import io.tidegate.config.OrdersSettings;
import io.tidegate.http.ApiFailure;
import io.tidegate.kafka.EventPublisher;
import io.tidegate.pricing.Money;
import io.tidegate.pricing.QuoteRepository;
import io.tidegate.schemas.events.EventEnvelope;
import io.tidegate.schemas.events.EventType;
import io.tidegate.schemas.events.OrderAccepted;
import io.tidegate.schemas.events.OrderLine;
import io.tidegate.schemas.events.ShipTo;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Order intake: validates an order beyond its schema (line cap, known SKUs, quotes, stock under the
 * channel's ATP policy), claims its Idempotency-Key, makes it durable on {@code orders.accepted.v1}
 * and only then answers. See {@link OrderIds} for why a retry can never become a second order.
 */
public final class OrderIntake {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OrderIntake.class);

  /** What the caller answers: the 202 body, and whether it is a replay of an earlier 202. */
  public record Accepted(JsonObject response, boolean replayed) {
  }

  /**
   * The agreed unit price of each line (null where the order agrees none) and the one currency
   * they are in (null when the order states none and names no quote).
   */
  private record Pricing(List<BigDecimal> unitPrices, String currency) {
  }

  private final InventoryReadModel inventory;
  private final SoftReservations reservations;
  private final QuoteRepository quotes;
  private final IdempotencyStore keys;
  private final OrderRepository orders;
  private final EventPublisher publisher;
  private final OrdersSettings settings;
  private final Function<String, ChannelSettings> channelOf;
  private final Clock clock;
  private final MeterRegistry registry;

  public OrderIntake(InventoryReadModel inventory, SoftReservations reservations, QuoteRepository quotes,
                     IdempotencyStore keys, OrderRepository orders, EventPublisher publisher, OrdersSettings settings,
                     Function<String, ChannelSettings> channelOf, Clock clock, MeterRegistry registry) {
    this.inventory = inventory;
    this.reservations = reservations;
    this.quotes = quotes;
    this.keys = keys;
    this.orders = orders;
    this.publisher = publisher;
    this.settings = settings;
    this.channelOf = channelOf;
    this.clock = clock;
    this.registry = registry;
  }

  public Future<Accepted> accept(String channel, String idempotencyKey, JsonNode tree, JsonObject body,
                                 String correlationId) {
    return Future.<Void>succeededFuture().compose(v -> {
      checkLines(body);
      String hash = OrderIds.requestHash(tree);
      String orderId = OrderIds.orderId(channel, idempotencyKey, hash);
      return pricing(channel, body).compose(pricing -> keys.begin(channel, idempotencyKey, hash, orderId)
          .compose(claim -> {
            if (claim instanceof IdempotencyStore.Claim.Replay replay) {
              return replayed(replay.response());
            }
            if (claim instanceof IdempotencyStore.Claim.Reused) {
              return Future.failedFuture(new ApiFailure.IdempotencyKeyReused());
            }
            if (claim instanceof IdempotencyStore.Claim.InUse) {
              return Future.failedFuture(new ApiFailure.IdempotencyKeyInUse());
            }
            IdempotencyStore.Claim.Started started = (IdempotencyStore.Claim.Started) claim;
            return Future.<Void>succeededFuture()
                .compose(ignored -> durable(channel, idempotencyKey, orderId, body, pricing, correlationId))
                .onFailure(e -> keys.abandon(channel, idempotencyKey, started));
          }));
    });
  }

  private Future<Accepted> durable(String channel, String key, String orderId, JsonObject body, Pricing pricing,
                                   String correlationId) {
    String date = body.getString("requestedDate");
    LocalDate requested = date == null ? null : LocalDate.parse(date);
    List<OrderLine> lines = StockCheck.promise(inventory, reservations, channelOf.apply(channel),
        body.getJsonArray("lines"), pricing.unitPrices(), requested);
    Instant now = clock.instant();
    OrderAccepted order = new OrderAccepted(orderId, channel, key, body.getString("externalId"),
        body.getString("customerId"), shipTo(body.getJsonObject("shipTo")), lines, pricing.currency(), requested, now);
    EventEnvelope<OrderAccepted> event = EventEnvelope.of(EventType.ORDER_ACCEPTED, correlationId, "tidegate-gateway",
        order);
    // Held before the send, so that a concurrent order on this instance sees it at once; the feed
    // holds it on every other instance (and ignores it here: idempotent per order id).
    boolean held = reservations.hold(orderId, StockCheck.holds(lines), now.toEpochMilli());
    return publisher.publish(event)
        .onFailure(e -> {
          if (held) {
            reservations.drop(orderId);
          }
        })
        .compose(ack -> {
          OrderLog.with(LOG.atInfo(), orderId, channel, correlationId).addKeyValue("event", "order.accepted")
              .addKeyValue("kafka", ack.getTopic() + "/" + ack.getPartition() + "@" + ack.getOffset())
              .log("order accepted and durable in Kafka");
          JsonObject response = new JsonObject().put("orderId", orderId).put("status", "ACCEPTED")
              .put("statusUrl", "/v1/orders/" + orderId);
          registry.counter("gateway_orders_accepted_total", "channel", channel).increment();
          // The order is durable: a failure here is logged only; the status projector writes the
          // order from Kafka, and a retry takes the key over after the lease and names the same order.
          return orders.recordIntake(order, dataJson(order, body, lines, now), event.eventId(), response)
              .recover(e -> {
                OrderLog.with(LOG.atWarn(), orderId, channel, correlationId)
                    .log("order accepted but not recorded by intake ({}); the status projector will", e.toString());
                return Future.succeededFuture();
              })
              .map(v -> new Accepted(response, false));
        });
  }

  private Future<Accepted> replayed(JsonObject response) {
    registry.counter("gateway_orders_idempotent_replays_total").increment();
    return Future.succeededFuture(new Accepted(response, true));
  }

  /**
   * The unknown SKUs of a body the schema refused, for the same 400 (see
   * {@link io.tidegate.http.OpenApiRoutes.BodyCheck}): lines whose {@code sku} is a string.
   */
  public List<ApiFailure.FieldError> unknownSkus(JsonNode body) {
    List<ApiFailure.FieldError> unknown = new ArrayList<>();
    JsonNode lines = body.path("lines");
    for (int i = 0; i < lines.size() && i <= settings.maxLines(); i++) {
      JsonNode sku = lines.get(i).path("sku");
      if (sku.isTextual() && inventory.get(sku.textValue()) == null) {
        unknown.add(new ApiFailure.FieldError("/lines/" + i + "/sku", "unknown SKU"));
      }
    }
    return unknown;
  }

  private void checkLines(JsonObject body) {
    JsonArray lines = body.getJsonArray("lines");
    if (lines.size() > settings.maxLines()) {
      throw new ApiFailure.ValidationFailed("/lines", "at most " + settings.maxLines() + " lines per order");
    }
    List<ApiFailure.FieldError> unknown = new ArrayList<>();
    String currency = body.getString("currency");
    if (currency != null && !Money.isCurrency(currency)) {
      unknown.add(new ApiFailure.FieldError("/currency", "'" + currency + "' is not an ISO 4217 currency"));
    }
    for (int i = 0; i < lines.size(); i++) {
      if (inventory.get(lines.getJsonObject(i).getString("sku")) == null) {
        unknown.add(new ApiFailure.FieldError("/lines/" + i + "/sku", "unknown SKU"));
      }
    }
    if (!unknown.isEmpty()) {
      throw new ApiFailure.ValidationFailed("The order names " + unknown.size() + " unknown SKU(s) or currency",
          unknown);
    }
  }

  /**
   * Each line's agreed unit price: its own, checked against its quote when it names one, or the
   * quote's when only the quote is given. A quote must be this channel's, unexpired, for the
   * same customer, in the order's currency and have a priced line for the SKU. The order's
   * currency is its own, else that of the first quote it names.
   */
  private Future<Pricing> pricing(String channel, JsonObject body) {
    JsonArray lines = body.getJsonArray("lines");
    Map<String, Future<JsonObject>> byId = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String quoteId = lines.getJsonObject(i).getString("quoteId");
      if (quoteId != null) {
        byId.computeIfAbsent(quoteId, id -> quotes.find(id, channel));
      }
    }
    return Future.all(new ArrayList<>(byId.values())).map(all -> {
      List<BigDecimal> prices = new ArrayList<>();
      String currency = body.getString("currency");
      List<ApiFailure.FieldError> errors = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        JsonObject line = lines.getJsonObject(i);
        String given = line.getString("unitPrice");
        BigDecimal price = given == null ? null : new BigDecimal(given);
        String quoteId = line.getString("quoteId");
        if (quoteId != null) {
          JsonObject quote = byId.get(quoteId).result();
          price = QuoteCheck.price(quote, body.getString("customerId"), currency, line, price, "/lines/" + i, errors);
          if (price != null && currency == null) {
            currency = quote.getString("currency");
          }
        }
        prices.add(price);
      }
      if (!errors.isEmpty()) {
        throw new ApiFailure.ValidationFailed("The order does not match its quote(s)", errors);
      }
      return new Pricing(prices, currency);
    });
  }

  private static ShipTo shipTo(JsonObject s) {
    return new ShipTo(s.getString("name"), s.getString("line1"), s.getString("line2"), s.getString("city"),
        s.getString("postalCode"), s.getString("country"));
  }

  /** The order as the status store keeps it (the same shape as the event's data). */
  private static JsonObject dataJson(OrderAccepted order, JsonObject body, List<OrderLine> lines, Instant now) {
    JsonArray out = new JsonArray();
    for (OrderLine l : lines) {
      JsonObject line = new JsonObject().put("sku", l.sku()).put("quantity", l.quantity());
      if (l.unitPrice() != null) {
        line.put("unitPrice", l.unitPrice().toPlainString());
      }
      if (l.quoteId() != null) {
        line.put("quoteId", l.quoteId());
      }
      JsonArray from = new JsonArray();
      l.shipFrom().forEach(s -> from.add(new JsonObject().put("location", s.location()).put("quantity", s.quantity())));
      if (!from.isEmpty()) {
        line.put("shipFrom", from);
      }
      out.add(line);
    }
    JsonObject data = body.copy().put("orderId", order.orderId()).put("channel", order.channel()).put("lines", out)
        .put("acceptedAt", now.toString());
    return order.currency() == null ? data : data.put("currency", order.currency());
  }
}
