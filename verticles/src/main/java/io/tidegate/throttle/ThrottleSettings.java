package io.tidegate.throttle;

import io.tidegate.config.ConfigException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The whole content of {@code config/throttles.yaml}, resolved and validated: the limits of every
 * channel the file names (plans and defaults already applied), the limits of every other channel,
 * and the in-flight limiter of every route class. Immutable, so a reload swaps one reference.
 *
 * @param defaults the limits of a channel the file does not name
 * @param channels channel name to its resolved limits
 * @param overload route class ({@link #ROUTE_CLASSES}) to its in-flight limiter
 */
public record ThrottleSettings(ChannelLimits defaults, Map<String, ChannelLimits> channels,
                               Map<String, OverloadSettings> overload) {

  /** The policies a channel has; each route draws from one (its {@code x-tidegate-rate-limit-policy}). */
  public static final List<String> POLICIES = List.of("atp", "prices", "orders", "status");
  /** The route classes that each have their own in-flight limiter; the same names as the policies. */
  public static final List<String> ROUTE_CLASSES = POLICIES;

  /**
   * A policy name as given in the throttle file or the admin API: {@code pricing} (the name the
   * product's issue tracker uses for the route class) is taken as {@code prices}.
   */
  public static String policyName(String given) {
    return "pricing".equals(given) ? "prices" : given;
  }

  public ThrottleSettings {
    if (defaults == null) {
      throw ConfigException.invalid("defaults", null, "the limits of channels the file does not name");
    }
    channels = Map.copyOf(channels);
    overload = Map.copyOf(overload);
    for (String routeClass : ROUTE_CLASSES) {
      if (!overload.containsKey(routeClass)) {
        throw ConfigException.invalid("overload." + routeClass, null,
            "limiter settings for every route class " + ROUTE_CLASSES);
      }
    }
    if (overload.size() != ROUTE_CLASSES.size()) {
      throw ConfigException.invalid("overload", new TreeSet<>(overload.keySet()), "exactly the route classes " + ROUTE_CLASSES);
    }
  }

  /** The limits in force for a channel by this file (ignoring admin overrides). */
  public ChannelLimits limitsFor(String channel) {
    return channels.getOrDefault(channel, defaults);
  }

  /** Fails when the file names a channel that the gateway does not have. */
  public ThrottleSettings requireKnown(Set<String> knownChannels) {
    Set<String> unknown = new TreeSet<>(channels.keySet());
    unknown.removeAll(knownChannels);
    if (!unknown.isEmpty()) {
      throw ConfigException.invalid("channels." + unknown.iterator().next(), unknown,
          "only channels of the gateway configuration " + new TreeSet<>(knownChannels));
    }
    return this;
  }
}
