package io.tidegate.throttle;

import io.tidegate.config.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything that limits one channel, as one immutable value so that it can be swapped whole: a
 * {@link RatePolicy} for every policy in {@link ThrottleSettings#POLICIES}, the cap on the
 * channel's concurrent requests across all routes, and whether the channel is {@code critical}
 * (its requests may use the headroom the load shedder keeps back from everyone else).
 *
 * @param policies      policy name to policy; exactly the names of {@link ThrottleSettings#POLICIES}
 * @param maxConcurrent in-flight requests of this channel, 1 to 100,000; beyond it: 429
 * @param critical      shed last when the gateway is overloaded
 */
public record ChannelLimits(Map<String, RatePolicy> policies, int maxConcurrent, boolean critical) {

  public static final int MAX_CONCURRENT = 100_000;

  public ChannelLimits {
    Map<String, RatePolicy> ordered = new LinkedHashMap<>();
    for (String name : ThrottleSettings.POLICIES) {
      RatePolicy policy = policies.get(name);
      if (policy == null || !policy.name().equals(name)) {
        throw ConfigException.invalid("policies." + name, policy, "a policy named '" + name + "'");
      }
      ordered.put(name, policy);
    }
    if (policies.size() != ordered.size()) {
      throw ConfigException.invalid("policies", policies.keySet(), "exactly the policies " + ThrottleSettings.POLICIES);
    }
    policies = Collections.unmodifiableMap(ordered);
    Values.range("maxConcurrent", maxConcurrent, 1, MAX_CONCURRENT);
  }

  public RatePolicy policy(String name) {
    return policies.get(name);
  }

  /**
   * These limits with the given policies replaced (the others, {@code maxConcurrent} and
   * {@code critical} stay). For the admin API's {@code PUT .../limits}: a duplicate name is
   * rejected here, an unknown name or bad value by {@link RatePolicy}.
   */
  public ChannelLimits withPolicies(List<RatePolicy> replacements) {
    Map<String, RatePolicy> next = new LinkedHashMap<>(policies);
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (RatePolicy p : replacements) {
      if (!seen.add(p.name())) {
        throw ConfigException.invalid("policies", p.name(), "each policy name at most once");
      }
      next.put(p.name(), p);
    }
    return new ChannelLimits(next, maxConcurrent, critical);
  }

  /** {@code {"policies":[{"name","quota","windowSeconds","burst"}…],"maxConcurrent","critical"}} for the admin API. */
  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    policies.values().forEach(p -> list.add(new JsonObject().put("name", p.name()).put("quota", p.quota())
        .put("windowSeconds", p.windowSeconds()).put("burst", p.burst())));
    return new JsonObject().put("policies", list).put("maxConcurrent", maxConcurrent).put("critical", critical);
  }
}
