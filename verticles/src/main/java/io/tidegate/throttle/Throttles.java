package io.tidegate.throttle;

import io.micrometer.core.instrument.MeterRegistry;
import io.tidegate.config.ConfigException;
import io.tidegate.http.ApiFailure;
import io.tidegate.http.ApiKeyAuth;
import io.tidegate.http.Channel;
import io.tidegate.http.OpenApiRoutes;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The channel throttles and load shedders of one gateway process, shared by all HTTP verticle
 * instances (like the read models): create one, hand it to every router.
 *
 * <p>The limits in force are one immutable value in an {@link AtomicReference}: the settings of
 * the throttle file plus the channels an operator changed through the admin API. Both kinds of
 * change validate first and then swap the whole value, so a request sees either the old or the new
 * limits, never a mix. An admin change of a channel lasts until the file's settings for that
 * channel change (a reload that leaves the channel alone keeps the override) or the gateway
 * restarts.
 *
 * <p>Buckets follow the limits lazily: a request that finds its bucket built for an older policy
 * replaces it with {@link TokenBucket#reconfigured}, which keeps the bucket's fill capped at the
 * new burst. Unchanged policies keep their buckets across reloads.
 *
 * <p>Limits are per process: with N gateway instances behind a balancer a channel gets about N
 * times its configured budget, so configure {@code quota / N} (see the operator notes in
 * {@code config/throttles.yaml}).
 */
public final class Throttles implements OpenApiRoutes.Guards {

  /** The policy named in {@code violated-policies} when the channel's concurrent-request cap refused. */
  public static final String CONCURRENCY = "concurrency";

  private record Limits(ThrottleSettings file, Map<String, ChannelLimits> overrides) {

    ChannelLimits of(String channel) {
      ChannelLimits override = overrides.get(channel);
      return override != null ? override : file.limitsFor(channel);
    }
  }

  private final Set<String> channels;
  private final LongSupplier nanoClock;
  private final ThrottleMetrics metrics;
  private final AtomicReference<Limits> limits;
  private final ConcurrentHashMap<String, ChannelState> states = new ConcurrentHashMap<>();
  private final Map<String, LoadShedder> shedders = new HashMap<>();
  private final EventLoopDelay loopDelay;

  /**
   * @param initial   the parsed throttle file
   * @param channels  the gateway's channels (from its configuration); bounds metric labels and
   *                  which channels the file and the admin API may name
   * @param registry  where the throttle metrics go
   * @param nanoClock {@code System::nanoTime} in production; a controllable clock in tests
   */
  public Throttles(ThrottleSettings initial, Set<String> channels, MeterRegistry registry, LongSupplier nanoClock) {
    this.channels = Set.copyOf(channels);
    this.nanoClock = nanoClock;
    this.metrics = new ThrottleMetrics(registry);
    this.loopDelay = new EventLoopDelay(registry);
    this.limits = new AtomicReference<>(new Limits(initial.requireKnown(this.channels), Map.of()));
    for (String routeClass : ThrottleSettings.ROUTE_CLASSES) {
      shedders.put(routeClass, new LoadShedder(routeClass, initial.overload().get(routeClass),
          channel -> limits.get().of(channel.name()).critical(), registry, nanoClock, loopDelay::currentNanos));
    }
  }

  /**
   * The channel throttle of a route drawing from {@code policy}: one token per request, the
   * channel's concurrent-request cap, and the {@code RateLimit-Policy} / {@code RateLimit} fields on
   * every response of the route. Over budget: {@code 429 RATE_LIMITED} with {@code Retry-After}.
   * Install after {@link ApiKeyAuth} and before the route's {@link #shedder}.
   */
  @Override
  public Handler<RoutingContext> throttle(String policy) {
    int index = index(ThrottleSettings.POLICIES, policy, "policy");
    return rc -> admit(rc, policy, index);
  }

  /** The event-loop delay the shedders read; each HTTP verticle starts a probe on its loop. */
  public EventLoopDelay loopDelay() {
    return loopDelay;
  }

  /** The in-flight limiter of a route class; install after {@link #throttle}. */
  @Override
  public LoadShedder shedder(String routeClass) {
    index(ThrottleSettings.ROUTE_CLASSES, routeClass, "route class");
    return shedders.get(routeClass);
  }

  private void admit(RoutingContext rc, String policy, int index) {
    Channel channel = ApiKeyAuth.channel(rc);
    ChannelLimits current = limits.get().of(channel.name());
    ChannelState state = state(channel.name());
    TokenBucket bucket = state.bucket(index, current.policy(policy));
    if (!state.tryEnter(current.maxConcurrent())) {
      headers(rc, bucket, bucket.peek());
      state.rejected(ThrottleSettings.POLICIES.size());
      rc.fail(new ApiFailure.RateLimited("Channel " + channel.name() + " has " + current.maxConcurrent()
          + " requests in flight, its limit", 1, List.of(CONCURRENCY)));
      return;
    }
    rc.addEndHandler(done -> state.exit());
    TokenBucket.Decision decision = bucket.tryTake();
    headers(rc, bucket, decision);
    if (!decision.allowed()) {
      state.rejected(index);
      rc.fail(new ApiFailure.RateLimited("Channel " + channel.name() + " exceeded policy " + policy,
          decision.retryAfterSeconds(), List.of(policy)));
      return;
    }
    rc.next();
  }

  private static final CharSequence RATE_LIMIT_POLICY = io.vertx.core.http.HttpHeaders.createOptimized("RateLimit-Policy");
  private static final CharSequence RATE_LIMIT = io.vertx.core.http.HttpHeaders.createOptimized("RateLimit");

  private static void headers(RoutingContext rc, TokenBucket bucket, TokenBucket.Decision decision) {
    rc.response()
        .putHeader(RATE_LIMIT_POLICY, bucket.policyHeader())
        .putHeader(RATE_LIMIT, bucket.stateHeader(decision));
  }

  private ChannelState state(String channel) {
    ChannelState state = states.get(channel);
    return state != null ? state : states.computeIfAbsent(channel, c -> new ChannelState(c, metrics, nanoClock));
  }

  /**
   * Replaces everything with a newly read throttle file. Admin overrides survive only for
   * channels whose file settings are unchanged. Counted as {@code source=file}.
   *
   * @throws ConfigException when the file names a channel the gateway does not have (nothing changes)
   */
  public void replaceAll(ThrottleSettings next) {
    if (!channels.containsAll(next.channels().keySet())) {
      metrics.reload("file", false);
      next.requireKnown(channels);
    }
    limits.updateAndGet(old -> {
      Map<String, ChannelLimits> kept = new HashMap<>(old.overrides());
      kept.keySet().removeIf(channel -> !old.file().limitsFor(channel).equals(next.limitsFor(channel)));
      return new Limits(next, Map.copyOf(kept));
    });
    shedders.forEach((routeClass, shedder) -> shedder.reconfigure(next.overload().get(routeClass)));
    metrics.reload("file", true);
  }

  /**
   * Replaces one channel's limits (admin API), atomically; they stay until the file's settings for
   * the channel change. Counted as {@code source=admin}.
   *
   * @return the limits now in force
   * @throws NoSuchElementException when the gateway has no such channel (nothing changes)
   */
  public ChannelLimits replaceChannel(String channel, ChannelLimits next) {
    requireChannel(channel);
    limits.updateAndGet(old -> {
      Map<String, ChannelLimits> overrides = new HashMap<>(old.overrides());
      overrides.put(channel, next);
      return new Limits(old.file(), Map.copyOf(overrides));
    });
    metrics.reload("admin", true);
    return next;
  }

  /** An admin change for a channel the gateway does not have: counted as refused, nothing changes. */
  private void requireChannel(String channel) {
    if (!channels.contains(channel)) {
      metrics.reload("admin", false);
      throw new NoSuchElementException("no channel '" + channel + "'");
    }
  }

  /**
   * Drops the admin API's change of a channel's limits, atomically: the file's settings apply again.
   * Counted as {@code source=admin} when there was a change to drop.
   *
   * @return whether there was one
   * @throws NoSuchElementException when the gateway has no such channel
   */
  public boolean resetChannel(String channel) {
    requireChannel(channel);
    Limits before = limits.getAndUpdate(old -> {
      if (!old.overrides().containsKey(channel)) {
        return old;
      }
      Map<String, ChannelLimits> overrides = new HashMap<>(old.overrides());
      overrides.remove(channel);
      return new Limits(old.file(), Map.copyOf(overrides));
    });
    boolean dropped = before.overrides().containsKey(channel);
    if (dropped) {
      metrics.reload("admin", true);
    }
    return dropped;
  }

  /**
   * The admin API's {@code PUT /admin/channels/{channel}/limits} in one call: the body's
   * {@code policies} ({@code [{name, quota, windowSeconds, burst?}]}) replace those policies of the
   * channel's current limits; the channel's other policies, {@code maxConcurrent} and
   * {@code critical} stay.
   *
   * @throws NoSuchElementException when the gateway has no such channel
   * @throws ConfigException        when a policy is unknown, repeated or out of range (→ 400)
   */
  public ChannelLimits replaceChannelPolicies(String channel, JsonArray policies) {
    return replaceChannelLimits(channel, new JsonObject().put("policies", policies));
  }

  /**
   * The admin API's change of a channel's limits: {@code {"policies"?, "maxConcurrent"?, "critical"?}}
   * (what {@link ChannelLimits#toJson} gives, whole or in part); the policies named replace theirs,
   * everything not named stays. Validated whole before anything changes.
   *
   * @throws ConfigException        a bad value (its key, e.g. {@code policies[1].quota}, names it)
   * @throws NoSuchElementException no such channel
   */
  public ChannelLimits replaceChannelLimits(String channel, JsonObject update) {
    ChannelLimits current = limits(channel).orElse(null);
    if (current == null) {
      metrics.reload("admin", false);
      throw new NoSuchElementException("no channel '" + channel + "'");
    }
    ChannelLimits next;
    try {
      JsonArray policies = update.getJsonArray("policies");
      ChannelLimits withPolicies = policies == null ? current : current.withPolicies(parsePolicies(policies));
      Integer maxConcurrent = update.getValue("maxConcurrent") == null ? null : jsonInt(update, "maxConcurrent", null);
      Object critical = update.getValue("critical");
      if (critical != null && !(critical instanceof Boolean)) {
        throw ConfigException.invalid("critical", critical, "true or false");
      }
      next = new ChannelLimits(withPolicies.policies(),
          maxConcurrent == null ? withPolicies.maxConcurrent() : maxConcurrent,
          critical == null ? withPolicies.critical() : (Boolean) critical);
    } catch (ConfigException e) {
      metrics.reload("admin", false);
      throw e;
    }
    return replaceChannel(channel, next);
  }

  private static List<RatePolicy> parsePolicies(JsonArray policies) {
    List<RatePolicy> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < policies.size(); i++) {
      String key = "policies[" + i + "]";
      if (!(policies.getValue(i) instanceof JsonObject p)) {
        throw ConfigException.invalid(key, policies.getValue(i), "an object {name, quota, windowSeconds, burst?}");
      }
      if (!(p.getValue("name") instanceof String given)
          || !ThrottleSettings.POLICIES.contains(ThrottleSettings.policyName(given))) {
        throw ConfigException.invalid(key + ".name", p.getValue("name"), "one of " + ThrottleSettings.POLICIES);
      }
      String name = ThrottleSettings.policyName(given);
      if (!seen.add(name)) {
        throw ConfigException.invalid(key + ".name", given, "each policy name at most once");
      }
      int quota = jsonInt(p, "quota", key);
      int window = jsonInt(p, "windowSeconds", key);
      int burst = p.getValue("burst") == null ? quota : jsonInt(p, "burst", key);
      RatePolicy.validate(key, name, quota, window, burst);
      out.add(new RatePolicy(name, quota, window, burst));
    }
    return out;
  }

  /** {@code key}: the object's own key, or null for the top level. */
  private static int jsonInt(JsonObject p, String field, String key) {
    if (!(p.getValue(field) instanceof Integer value)) {
      throw ConfigException.invalid(key == null ? field : key + "." + field, p.getValue(field), "an integer");
    }
    return value;
  }

  /** The limits in force for a channel, or empty when the gateway has no such channel. */
  public Optional<ChannelLimits> limits(String channel) {
    return channels.contains(channel) ? Optional.of(limits.get().of(channel)) : Optional.empty();
  }

  /** Whether the channel's limits come from the admin API rather than the file. */
  public boolean overridden(String channel) {
    return limits.get().overrides().containsKey(channel);
  }

  /** The throttle file's settings currently in force (without admin overrides). */
  public ThrottleSettings settings() {
    return limits.get().file();
  }

  /** The gateway's channels, as given at construction. */
  public Set<String> channels() {
    return channels;
  }

  ThrottleMetrics metrics() {
    return metrics;
  }

  private static int index(List<String> names, String name, String what) {
    int index = names.indexOf(name);
    if (index < 0) {
      throw new IllegalArgumentException("unknown " + what + " '" + name + "', expected one of " + names);
    }
    return index;
  }
}
