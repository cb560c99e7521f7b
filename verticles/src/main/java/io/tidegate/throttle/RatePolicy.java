package io.tidegate.throttle;

import io.tidegate.config.ConfigException;

/**
 * One budget of a channel: {@code quota} requests per {@code windowSeconds}, refilled continuously
 * (a token bucket with refill rate quota/window), with room for {@code burst} requests at once.
 * {@code quota} and {@code windowSeconds} are what clients see in {@code RateLimit-Policy}
 * ({@code q}, {@code w}); {@code burst} only shapes how bunched-up those requests may arrive.
 *
 * @param name          the policy, one of {@link ThrottleSettings#POLICIES}
 * @param quota         requests per window, 1 to 1,000,000
 * @param windowSeconds window length, 1 to 86,400
 * @param burst         bucket capacity, 1 to 1,000,000 (usually equal to {@code quota})
 */
public record RatePolicy(String name, int quota, int windowSeconds, int burst) {

  public static final int MAX_QUOTA = 1_000_000;
  public static final int MAX_WINDOW_SECONDS = 86_400;

  public RatePolicy {
    validate("policies." + name, name, quota, windowSeconds, burst);
  }

  /** A policy whose burst equals its quota. */
  public static RatePolicy of(String name, int quota, int windowSeconds) {
    return new RatePolicy(name, quota, windowSeconds, quota);
  }

  static void validate(String key, String name, int quota, int windowSeconds, int burst) {
    if (!ThrottleSettings.POLICIES.contains(name)) {
      throw ConfigException.invalid(key, name, "a policy name, one of " + ThrottleSettings.POLICIES);
    }
    Values.range(key + ".quota", quota, 1, MAX_QUOTA);
    Values.range(key + ".windowSeconds", windowSeconds, 1, MAX_WINDOW_SECONDS);
    Values.range(key + ".burst", burst, 1, MAX_QUOTA);
  }

  /** {@code "atp";q=200;w=1}: the {@code RateLimit-Policy} field value (draft-ietf-httpapi-ratelimit-headers-10). */
  String headerValue() {
    return "\"" + name + "\";q=" + quota + ";w=" + windowSeconds;
  }
}
