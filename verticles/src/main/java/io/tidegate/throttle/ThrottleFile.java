package io.tidegate.throttle;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tidegate.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads {@code config/throttles.yaml} into {@link ThrottleSettings}: a pure function of the text, so
 * the start-up load, the file watcher and tests share one definition of a valid file. Layering per
 * channel: {@code defaults} &lt; its {@code plan} &lt; its own entries (a policy given at a higher
 * layer replaces that whole policy). Unknown keys, wrong types and out-of-range values fail with a
 * {@link ConfigException} naming the key, the value and what was expected.
 */
public final class ThrottleFile {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final String NAME = "[a-z0-9][a-z0-9_-]{0,63}";

  private ThrottleFile() {
  }

  /** Parses without checking channel names against the gateway's channels. */
  public static ThrottleSettings parse(String yaml) {
    return build(read(yaml));
  }

  /** Parses and fails when the file names a channel outside {@code knownChannels}. */
  public static ThrottleSettings parse(String yaml, Set<String> knownChannels) {
    return parse(yaml).requireKnown(knownChannels);
  }

  /** Reads and parses the file without blocking the event loop; a failed future carries the reason. */
  public static Future<ThrottleSettings> load(Vertx vertx, String path, Set<String> knownChannels) {
    return vertx.fileSystem().readFile(path)
        .recover(e -> Future.failedFuture(new ConfigException("throttle file '" + path + "' (throttling.file) cannot be"
            + " read: " + (e.getCause() != null ? e.getCause() : e))))
        .map(buffer -> {
          try {
            return parse(buffer.toString(), knownChannels);
          } catch (ConfigException e) {
            String named = "throttle file '" + path + "'";
            throw new ConfigException(e.getMessage().startsWith("throttle file ")
                ? named + e.getMessage().substring("throttle file".length()) : named + ": " + e.getMessage());
          }
        });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> read(String yaml) {
    if (yaml.lines().map(String::strip).allMatch(line -> line.isEmpty() || line.startsWith("#"))) {
      throw new ConfigException("throttle file is empty; expected the sections defaults, plans, channels, overload");
    }
    Object tree;
    try {
      tree = YAML.readValue(yaml, Object.class);
    } catch (IOException e) {
      throw ConfigException.notYaml("throttle file", e);
    }
    if (!(tree instanceof Map)) {
      throw ConfigException.invalid("(root)", tree, "a mapping with the sections defaults, plans, channels, overload");
    }
    return (Map<String, Object>) tree;
  }

  private static ThrottleSettings build(Map<String, Object> root) {
    Node file = new Node(root, "").only("defaults", "plans", "channels", "overload");
    Node defaultsNode = file.node("defaults").only("policies", "maxConcurrent");
    Map<String, RatePolicy> defaultPolicies = policies(defaultsNode.node("policies"));
    ChannelLimits defaults = new ChannelLimits(
        requireAll(defaultPolicies, defaultsNode.key("policies")),
        defaultsNode.integer("maxConcurrent", 1, ChannelLimits.MAX_CONCURRENT), false);

    Map<String, ChannelLimits> plans = new HashMap<>();
    Node plansNode = file.optionalNode("plans");
    for (String name : plansNode.names()) {
      plans.put(name, layer(plansNode.node(name).only("policies", "maxConcurrent", "critical"), defaults));
    }

    Map<String, ChannelLimits> channels = new HashMap<>();
    Node channelsNode = file.optionalNode("channels");
    for (String name : channelsNode.names()) {
      Node channel = channelsNode.node(name).only("plan", "policies", "maxConcurrent", "critical");
      String plan = channel.string("plan");
      if (plan != null && !plans.containsKey(plan)) {
        throw ConfigException.invalid(channel.key("plan"), plan, "one of the plans " + new TreeSet<>(plans.keySet()));
      }
      channels.put(name, layer(channel, plan == null ? defaults : plans.get(plan)));
    }

    Map<String, OverloadSettings> overload = new HashMap<>();
    Node overloadNode = file.node("overload").only(ThrottleSettings.ROUTE_CLASSES.toArray(String[]::new));
    for (String routeClass : ThrottleSettings.ROUTE_CLASSES) {
      Node limiter = overloadNode.node(routeClass).only("minLimit", "maxLimit", "initialLimit", "adaptive",
          "maxDelayMs");
      int min = limiter.integer("minLimit", 1, OverloadSettings.MAX_LIMIT);
      int max = limiter.integer("maxLimit", 1, OverloadSettings.MAX_LIMIT);
      int initial = limiter.integer("initialLimit", 1, OverloadSettings.MAX_LIMIT);
      OverloadSettings.validate(limiter.path(), min, max, initial);
      Integer maxDelayMs = limiter.optionalInteger("maxDelayMs", 0, OverloadSettings.MAX_DELAY_MS);
      overload.put(routeClass, new OverloadSettings(min, max, initial, limiter.bool("adaptive"),
          maxDelayMs == null ? 0 : maxDelayMs));
    }
    return new ThrottleSettings(defaults, channels, overload);
  }

  /** A plan or channel entry over its base: its policies, maxConcurrent and critical win where given. */
  private static ChannelLimits layer(Node entry, ChannelLimits base) {
    Map<String, RatePolicy> policies = new LinkedHashMap<>(base.policies());
    policies.putAll(policies(entry.optionalNode("policies")));
    Integer maxConcurrent = entry.optionalInteger("maxConcurrent", 1, ChannelLimits.MAX_CONCURRENT);
    Boolean critical = entry.optionalBool("critical");
    return new ChannelLimits(policies, maxConcurrent == null ? base.maxConcurrent() : maxConcurrent,
        critical == null ? base.critical() : critical);
  }

  private static Map<String, RatePolicy> policies(Node node) {
    Map<String, RatePolicy> out = new LinkedHashMap<>();
    for (String given : node.names()) {
      Node p = node.node(given).only("quota", "windowSeconds", "burst");
      String name = ThrottleSettings.policyName(given);
      if (out.containsKey(name)) {
        throw ConfigException.invalid(p.path(), given, "each policy once (pricing is another name of prices)");
      }
      if (!ThrottleSettings.POLICIES.contains(name)) {
        throw ConfigException.invalid(p.path(), name, "a policy name, one of " + ThrottleSettings.POLICIES);
      }
      int quota = p.integer("quota", 1, RatePolicy.MAX_QUOTA);
      int window = p.integer("windowSeconds", 1, RatePolicy.MAX_WINDOW_SECONDS);
      Integer burst = p.optionalInteger("burst", 1, RatePolicy.MAX_QUOTA);
      out.put(name, new RatePolicy(name, quota, window, burst == null ? quota : burst));
    }
    return out;
  }

  private static Map<String, RatePolicy> requireAll(Map<String, RatePolicy> policies, String key) {
    for (String name : ThrottleSettings.POLICIES) {
      if (!policies.containsKey(name)) {
        throw ConfigException.invalid(key + "." + name, null, "a policy for every one of " + ThrottleSettings.POLICIES);
      }
    }
    return policies;
  }

  /** Typed access to one mapping of the file, with errors that name the full key. */
  private record Node(Map<String, Object> map, String path) {

    String key(String name) {
      return path.isEmpty() ? name : path + "." + name;
    }

    Node only(String... allowed) {
      List<String> known = List.of(allowed);
      for (String name : map.keySet()) {
        if (!known.contains(name)) {
          throw ConfigException.invalid(key(name), map.get(name), "no such key; known keys here: " + known);
        }
      }
      return this;
    }

    List<String> names() {
      for (String name : map.keySet()) {
        if (name == null || !name.matches(NAME)) {
          throw ConfigException.invalid(key(String.valueOf(name)), name,
              "a name of lowercase letters, digits, '-' or '_' (at most 64)");
        }
      }
      return List.copyOf(map.keySet());
    }

    Node node(String name) {
      if (map.get(name) == null) {
        throw ConfigException.invalid(key(name), null, "a mapping (it is required)");
      }
      return optionalNode(name);
    }

    @SuppressWarnings("unchecked")
    Node optionalNode(String name) {
      Object v = map.get(name);
      if (v == null) {
        return new Node(Map.of(), key(name));
      }
      if (!(v instanceof Map)) {
        throw ConfigException.invalid(key(name), v, "a mapping of keys to values");
      }
      return new Node((Map<String, Object>) v, key(name));
    }

    String string(String name) {
      Object v = map.get(name);
      if (v != null && !(v instanceof String)) {
        throw ConfigException.invalid(key(name), v, "a name");
      }
      return (String) v;
    }

    int integer(String name, int min, int max) {
      Integer v = optionalInteger(name, min, max);
      if (v == null) {
        throw ConfigException.invalid(key(name), null, "an integer from " + min + " to " + max + " (it is required)");
      }
      return v;
    }

    Integer optionalInteger(String name, int min, int max) {
      Object v = map.get(name);
      if (v == null) {
        return null;
      }
      if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() != ((Number) v).intValue()) {
        throw ConfigException.invalid(key(name), v, "an integer from " + min + " to " + max);
      }
      return Values.range(key(name), ((Number) v).intValue(), min, max);
    }

    boolean bool(String name) {
      Boolean v = optionalBool(name);
      if (v == null) {
        throw ConfigException.invalid(key(name), null, "true or false (it is required)");
      }
      return v;
    }

    Boolean optionalBool(String name) {
      Object v = map.get(name);
      if (v != null && !(v instanceof Boolean)) {
        throw ConfigException.invalid(key(name), v, "true or false");
      }
      return (Boolean) v;
    }
  }
}
