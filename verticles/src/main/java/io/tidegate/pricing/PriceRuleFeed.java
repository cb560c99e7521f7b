package io.tidegate.pricing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tidegate.kafka.CompactedFeedVerticle;
import io.tidegate.schemas.events.EventEnvelope;
import io.tidegate.schemas.events.InvalidEventException;
import io.tidegate.schemas.events.PriceRuleChanged;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code prices.rules.v1} into the {@link PriceBook}: a version not higher than the one held for
 * its ruleId is not applied. Every version the feed brings, applied or late, is appended to
 * {@code price_rule_versions} with its who/when/why (batched, idempotent, so replays and duplicates
 * add nothing): the history has every version the ERP published, the book only the newest. A
 * failed write is logged and counted, and redone by the next replay.
 */
public final class PriceRuleFeed implements CompactedFeedVerticle.Sink {

  private static final Logger LOG = LoggerFactory.getLogger(PriceRuleFeed.class);

  private final PriceBook book;
  private final PriceRuleHistory history;

  public PriceRuleFeed(PriceBook book, PriceRuleHistory history, MeterRegistry registry) {
    this.book = book;
    this.history = history;
    Counter failed = Counter.builder("gateway_price_rule_history_failures_total")
        .description("Batches of price rule versions that could not be recorded in PostgreSQL").register(registry);
    history.onFailure(e -> {
      failed.increment();
      LOG.warn("price rule versions not recorded in history (recorded again on the next replay): {}", e.toString());
    });
  }

  @Override
  public boolean apply(EventEnvelope<?> event, byte[] value) throws InvalidEventException {
    if (!(event.data() instanceof PriceRuleChanged rule)) {
      throw new InvalidEventException("unexpected event type '" + event.type() + "' on the price rule feed");
    }
    boolean applied = book.apply(PriceRule.of(rule));
    JsonObject data = new JsonObject(Buffer.buffer(value)).getJsonObject("data");
    history.append(rule.ruleId(), rule.version(), data, rule.changedBy(), rule.reason());
    return applied;
  }
}
