package io.tidegate.pricing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory price rules: an immutable list of rule versions per SKU in a concurrent map,
 * swapped whole. Its single writer is the price rule feed consumer; quote handlers on every event
 * loop read it without locks.
 *
 * <p>Selection for a {@link PriceQuery}: a rule is a candidate when its SKU and currency match,
 * {@code at} lies in {@code [validFrom, validTo)}, every non-null dimension (channel, customerId,
 * customerGroup) equals the query's, and it has a tier with {@code minQuantity <= quantity}.
 * The most specific candidate wins ({@link PriceRule#specificity()}: customer &gt; customer group
 * &gt; channel &gt; any); ties go to the latest {@code validFrom}, then the highest version, then
 * the smallest ruleId (so the choice never depends on arrival order). The price is the winning
 * rule's highest tier with {@code minQuantity <= quantity}.
 */
public final class PriceBook {

  /** A chosen rule version and tier. */
  public record Selection(PriceRule rule, PriceRule.Tier tier) {
  }

  static final Comparator<PriceRule> PRECEDENCE = Comparator.comparingInt(PriceRule::specificity)
      .thenComparing(PriceRule::validFrom)
      .thenComparingLong(PriceRule::version)
      .thenComparing(PriceRule::ruleId, Comparator.reverseOrder());

  private final Map<String, List<PriceRule>> bySku = new ConcurrentHashMap<>();
  private final Map<String, PriceRule> byRuleId = new ConcurrentHashMap<>();

  /**
   * Applies a rule version if it is newer (higher version) than the one held for its ruleId.
   *
   * @return true if applied, false if it was a duplicate or out of date
   */
  public boolean apply(PriceRule rule) {
    PriceRule held = byRuleId.get(rule.ruleId());
    if (held != null && held.version() >= rule.version()) {
      return false;
    }
    if (held != null && !held.sku().equals(rule.sku())) {
      bySku.computeIfPresent(held.sku(), (sku, rules) -> without(rules, held.ruleId()));
    }
    bySku.compute(rule.sku(), (sku, rules) -> {
      List<PriceRule> next = new ArrayList<>(rules == null ? List.of() : without(rules, rule.ruleId()));
      next.add(rule);
      return List.copyOf(next);
    });
    byRuleId.put(rule.ruleId(), rule);
    return true;
  }

  /** The rule version held for a ruleId, or null. */
  public PriceRule rule(String ruleId) {
    return byRuleId.get(ruleId);
  }

  public int ruleCount() {
    return byRuleId.size();
  }

  /** The winning rule and tier for the query, or null when no rule prices it. */
  public Selection select(PriceQuery q) {
    List<PriceRule> rules = bySku.get(q.sku());
    if (rules == null) {
      return null;
    }
    PriceRule best = null;
    PriceRule.Tier bestTier = null;
    for (PriceRule r : rules) {
      if (!matches(r, q)) {
        continue;
      }
      PriceRule.Tier tier = r.tierFor(q.quantity());
      if (tier != null && (best == null || PRECEDENCE.compare(r, best) > 0)) {
        best = r;
        bestTier = tier;
      }
    }
    return best == null ? null : new Selection(best, bestTier);
  }

  private static boolean matches(PriceRule r, PriceQuery q) {
    return r.currency().equals(q.currency()) && r.validAt(q.at())
        && (r.channel() == null || r.channel().equals(q.channel()))
        && (r.customerId() == null || r.customerId().equals(q.customerId()))
        && (r.customerGroup() == null || r.customerGroup().equals(q.customerGroup()));
  }

  private static List<PriceRule> without(List<PriceRule> rules, String ruleId) {
    return rules.stream().filter(r -> !r.ruleId().equals(ruleId)).toList();
  }
}
