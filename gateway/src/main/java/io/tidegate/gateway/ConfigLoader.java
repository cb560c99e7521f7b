package io.tidegate.gateway;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tidegate.config.AdminSettings;
import io.tidegate.config.AtpSettings;
import io.tidegate.config.ChannelSettings;
import io.tidegate.config.ConfigException;
import io.tidegate.config.ErpSettings;
import io.tidegate.config.GatewayConfig;
import io.tidegate.config.HttpSettings;
import io.tidegate.config.JwtSettings;
import io.tidegate.config.KafkaSettings;
import io.tidegate.config.PostgresSettings;
import io.tidegate.config.OrdersSettings;
import io.tidegate.config.PricingSettings;
import io.tidegate.config.Secrets;
import io.tidegate.config.ThrottlingSettings;
import io.tidegate.config.TlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the configuration once at start-up: built-in defaults, then the YAML file, then
 * {@code TIDEGATE_*} environment variables, into validated immutable records. Unknown keys, wrong
 * types and bad values fail with a message naming the key, the value and what was expected.
 * A value may also come from a file named by {@code TIDEGATE_<KEY>_FILE} (container secrets), so a
 * password need not sit in the environment.
 */
public final class ConfigLoader {

  private static final String DEFAULTS = "tidegate-defaults.yaml";
  /** Maps whose keys are the operator's own (channel names, client properties). */
  private static final List<String> FREE_MAPS = List.of("channels", "kafka.properties", "pricing.customerGroups");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConfigLoader.class);

  private ConfigLoader() {
  }

  public static GatewayConfig load(Path file, Map<String, String> env) {
    Map<String, Object> tree = defaults();
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new ConfigException("configuration file '" + file + "' does not exist (set TIDEGATE_CONFIG or --config)");
      }
      merge(tree, read(file), "");
    }
    java.util.Set<String> settable = new java.util.HashSet<>();
    applyEnv(tree, env, "", settable);
    unknownEnv(env, settable).forEach(LOG::warn);
    return build(tree);
  }

  /**
   * Not settings, yet ours: the configuration file, the log format and level (logback), and the dev
   * tools' own variables (dev stack, ERP simulator, embedded broker and PostgreSQL).
   */
  private static final List<String> OTHER_VARIABLES = List.of("TIDEGATE_CONFIG", "TIDEGATE_LOG_FORMAT",
      "TIDEGATE_LOG_LEVEL", "TIDEGATE_KAFKA_PORT", "TIDEGATE_KAFKA_BOOTSTRAP");
  private static final List<String> OTHER_PREFIXES = List.of("TIDEGATE_DEV_", "TIDEGATE_ERP_SIM_", "TIDEGATE_PG_",
      // Kubernetes' service links for a service named "tidegate"
      "TIDEGATE_SERVICE_", "TIDEGATE_PORT");

  /**
   * A warning for each {@code TIDEGATE_*} variable that sets nothing (a typo such as
   * {@code TIDEGATE_HTTP_PROT} would otherwise be ignored without a word), naming the closest
   * setting. A warning, not a refusal to start: variables of that prefix can come from elsewhere.
   */
  static List<String> unknownEnv(Map<String, String> env, java.util.Set<String> settable) {
    List<String> warnings = new ArrayList<>();
    env.keySet().stream().filter(name -> name.startsWith("TIDEGATE_")).sorted().forEach(name -> {
      // TIDEGATE_THROTTLING_FILE is throttling.file itself; TIDEGATE_POSTGRES_PASSWORD_FILE names a secret's file
      String setting = name.endsWith("_FILE") && !settable.contains(name)
          ? name.substring(0, name.length() - "_FILE".length()) : name;
      if (settable.contains(setting) || OTHER_VARIABLES.contains(name)
          || OTHER_PREFIXES.stream().anyMatch(name::startsWith)) {
        return;
      }
      String closest = settable.stream().min(java.util.Comparator.comparingInt(known -> distance(known, setting)))
          .filter(known -> distance(known, setting) <= 3).map(known -> "; did you mean " + known + "?")
          .orElse("; channels, kafka.properties and pricing.customerGroups can be set only in the file");
      warnings.add("environment variable " + name + " sets nothing and is ignored" + closest);
    });
    return warnings;
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int change = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + change);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /** The file named by {@code --config}, else {@code TIDEGATE_CONFIG}, else {@code config/tidegate.yaml} if present. */
  public static Path locate(String[] args, Map<String, String> env) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("--config")) {
        return Path.of(args[i + 1]);
      }
    }
    if (env.get("TIDEGATE_CONFIG") != null) {
      return Path.of(env.get("TIDEGATE_CONFIG"));
    }
    Path local = Path.of("config", "tidegate.yaml");
    return Files.isRegularFile(local) ? local : null;
  }

  private static Map<String, Object> defaults() {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
      return YAML.readValue(in, new TypeReference<LinkedHashMap<String, Object>>() { });
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("built-in defaults " + DEFAULTS + " are unreadable", e);
    }
  }

  private static Map<String, Object> read(Path file) {
    try {
      Map<String, Object> tree = YAML.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { });
      return tree == null ? new LinkedHashMap<>() : tree;
    } catch (IOException e) {
      throw ConfigException.notYaml("configuration file '" + file + "'", e);
    }
  }

  @SuppressWarnings("unchecked")
  private static void merge(Map<String, Object> base, Map<String, Object> over, String prefix) {
    for (Map.Entry<String, Object> e : over.entrySet()) {
      String key = prefix + e.getKey();
      if (!base.containsKey(e.getKey())) {
        throw new ConfigException("invalid configuration: unknown key '" + key + "' (known keys at this level: "
            + String.join(", ", base.keySet()) + ")");
      }
      Object current = base.get(e.getKey());
      if (current instanceof Map && e.getValue() instanceof Map && !FREE_MAPS.contains(key)) {
        merge((Map<String, Object>) current, (Map<String, Object>) e.getValue(), key + ".");
      } else {
        base.put(e.getKey(), e.getValue());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void applyEnv(Map<String, Object> tree, Map<String, String> env, String prefix,
                               java.util.Set<String> settable) {
    for (Map.Entry<String, Object> e : tree.entrySet()) {
      String key = prefix + e.getKey();
      if (FREE_MAPS.contains(key)) {
        continue;
      }
      if (e.getValue() instanceof Map) {
        applyEnv((Map<String, Object>) e.getValue(), env, key + ".", settable);
      } else if (!(e.getValue() instanceof List)) {
        settable.add(envName(key));
        String value = env.get(envName(key));
        String file = env.get(envName(key) + "_FILE");
        if (value != null) {
          e.setValue(value);
        } else if (file != null) {
          e.setValue(readSecret(envName(key) + "_FILE", file));
        }
      }
    }
  }

  /** The first line of a secret file, without its line break (the usual shape of container secrets). */
  private static String readSecret(String variable, String path) {
    try {
      return Files.readString(Path.of(path), StandardCharsets.UTF_8).lines().findFirst().orElse("");
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("invalid configuration: " + variable + " names '" + path
          + "', expected a readable file (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * One line for the start-up log. Secrets never appear: the database password, secret-looking client
   * properties (sasl.jaas.config, *.password, ...), key hashes (only their count), credentials in
   * URLs; of the TLS key only its path is shown, never its content.
   */
  public static String describe(GatewayConfig c) {
    Map<String, String> kafkaProps = new LinkedHashMap<>();
    c.kafka().properties().forEach((k, v) -> kafkaProps.put(k, Secrets.isSecretProperty(k) ? Secrets.MASK : v));
    return "http=" + c.http() + " kafka=[bootstrapServers=" + c.kafka().bootstrapServers() + ", properties="
        + kafkaProps + "] " + c.postgres() + " " + c.atp() + " pricing=[quoteValiditySeconds=" + c.pricing().quoteValiditySeconds()
        + ", quoteRetentionHours=" + c.pricing().quoteRetentionHours()
        + ", maxQuoteLines=" + c.pricing().maxQuoteLines() + ", customerGroups=" + c.pricing().customerGroups().size()
        + "] " + c.erp() + " channels="
        + c.channels().stream().map(ch -> ch.name() + "(" + ch.apiKeyHashes().size() + " key(s)"
            + (ch.allowJwt() ? ", jwt" : "") + ")").toList()
        + " admin=(" + c.admin().apiKeyHashes().size() + " key(s), "
        + (c.admin().ownListener() ? "own listener on port " + c.admin().port() : "on the public listener") + ") "
        + c.jwt() + " " + c.orders() + " " + c.throttling();
  }

  /** {@code kafka.bootstrapServers} → {@code TIDEGATE_KAFKA_BOOTSTRAP_SERVERS}. */
  static String envName(String key) {
    return "TIDEGATE_" + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase();
  }

  private static GatewayConfig build(Map<String, Object> root) {
    Node n = new Node(root, "");
    Node http = n.node("http");
    Node kafka = n.node("kafka");
    Node pg = n.node("postgres");
    Node atp = n.node("atp");
    Node pricing = n.node("pricing");
    Node orders = n.node("orders");
    Node erp = n.node("erp");
    List<ChannelSettings> channels = new ArrayList<>();
    Node channelsNode = n.node("channels");
    for (String name : channelsNode.keys()) {
      Node channel = channelsNode.node(name);
      channel.onlyKeys("apiKeyHashes", "atpPolicy", "locationPriority", "allowJwt");
      String policy = channel.string("atpPolicy");
      channels.add(new ChannelSettings(name, channel.strings("apiKeyHashes"), policy == null
          ? ChannelSettings.AtpPolicy.REJECT : ChannelSettings.AtpPolicy.parse(channel.key("atpPolicy"), policy),
          channel.strings("locationPriority"), channel.map().containsKey("allowJwt") && channel.bool("allowJwt")));
    }
    Node admin = n.node("admin");
    Node jwt = n.node("jwt");
    Node tls = http.node("tls");
    return new GatewayConfig(
        new HttpSettings(http.string("host"), http.integer("port"), http.integer("instances"),
            http.integer("bodyLimitBytes"), http.integer("idleTimeoutSeconds"), http.integer("maxHeaderSizeBytes"),
            http.integer("acceptBacklog"), http.integer("maxConnections"), http.integer("requestReadTimeoutSeconds"),
            http.integer("shutdownDrainSeconds"), new TlsSettings(tls.string("certPath"), tls.string("keyPath"))),
        new KafkaSettings(kafka.string("bootstrapServers"), kafka.string("clientId"),
            kafka.string("readModelGroupPrefix"), kafka.integer("sendTimeoutMs"), kafka.stringMap("properties")),
        new PostgresSettings(pg.string("host"), pg.integer("port"), pg.string("database"), pg.string("user"),
            pg.string("password"), pg.integer("poolSize"), pg.integer("maxWaitQueue"), pg.integer("connectTimeoutMs"),
            pg.integer("requestTimeoutMs")),
        new AtpSettings(atp.integer("staleAfterSeconds"), atp.integer("lagCheckIntervalMs")),
        new PricingSettings(pricing.integer("quoteValiditySeconds"), pricing.integer("quoteRetentionHours"),
            pricing.integer("maxQuoteLines"),
            pricing.stringMap("customerGroups")),
        new OrdersSettings(orders.integer("maxLines"), orders.integer("idempotencyRetentionHours"),
            orders.integer("inFlightLeaseSeconds"), orders.integer("reservationExpiryMinutes"),
            orders.string("statusGroup"), orders.integer("stuckUnsubmittedMinutes"),
            orders.integer("stuckUnbookedMinutes"), orders.integer("parkedErpStatusHours")),
        new ErpSettings(erp.string("baseUrl"), erp.integer("ratePerSecond"), erp.integer("burst"), erp.integer("concurrency"),
            erp.integer("timeoutMs"), erp.integer("maxAttempts"), erp.integer("backoffInitialMs"),
            erp.integer("backoffMaxMs"), erp.integer("breakerFailures"), erp.integer("breakerResetMs"),
            erp.string("posterGroup")),
        new AdminSettings(admin.strings("apiKeyHashes"), admin.string("host"), admin.integer("port")),
        new ThrottlingSettings(n.node("throttling").bool("enabled"), n.node("throttling").string("file"),
            n.node("throttling").integer("reloadIntervalMs")),
        new JwtSettings(jwt.bool("enabled"), jwt.string("issuer"), jwt.string("audience"), jwt.string("channelClaim"),
            jwt.string("jwksUrl"), jwt.integer("jwksRefreshSeconds"), jwt.string("keyFile"),
            jwt.string("keyFileAlgorithm"), jwt.integer("leewaySeconds")),
        channels);
  }

  /** Typed access to one level of the tree, with errors that name the full key. */
  private record Node(Map<String, Object> map, String path) {

    String key(String name) {
      return path.isEmpty() ? name : path + "." + name;
    }

    @SuppressWarnings("unchecked")
    Node node(String name) {
      Object v = map.get(name);
      if (v == null) {
        return new Node(Map.of(), key(name));
      }
      if (!(v instanceof Map)) {
        throw ConfigException.invalid(key(name), v, "a mapping of keys to values");
      }
      return new Node((Map<String, Object>) v, key(name));
    }

    void onlyKeys(String... allowed) {
      for (String k : map.keySet()) {
        if (!List.of(allowed).contains(k)) {
          throw new ConfigException("invalid configuration: unknown key '" + key(k) + "' (known keys at this level: "
              + String.join(", ", allowed) + ")");
        }
      }
    }

    List<String> keys() {
      return List.copyOf(map.keySet());
    }

    String string(String name) {
      Object v = map.get(name);
      if (v instanceof Map || v instanceof List) {
        throw ConfigException.invalid(key(name), v, "a single value");
      }
      return v == null ? null : v.toString();
    }

    int integer(String name) {
      String v = string(name);
      try {
        return Integer.parseInt(v == null ? "" : v.trim());
      } catch (NumberFormatException e) {
        throw ConfigException.invalid(key(name), v, "an integer");
      }
    }

    boolean bool(String name) {
      String v = string(name);
      if ("true".equalsIgnoreCase(v) || "false".equalsIgnoreCase(v)) {
        return Boolean.parseBoolean(v);
      }
      throw ConfigException.invalid(key(name), v, "true or false");
    }

    List<String> strings(String name) {
      Object v = map.get(name);
      if (v == null) {
        return List.of();
      }
      if (!(v instanceof List<?> list)) {
        throw ConfigException.invalid(key(name), v, "a list");
      }
      return list.stream().map(String::valueOf).toList();
    }

    Map<String, String> stringMap(String name) {
      Node inner = node(name);
      Map<String, String> out = new LinkedHashMap<>();
      for (String k : inner.keys()) {
        out.put(k, inner.string(k));
      }
      return out;
    }
  }
}
