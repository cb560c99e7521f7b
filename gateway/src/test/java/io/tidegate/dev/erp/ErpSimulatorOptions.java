package io.tidegate.dev.erp;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Behaviour of the {@link ErpSimulator}: immutable, validated on construction. Changed at run time
 * only by swapping the whole record ({@code PUT /sim/config} → {@link #patched(JsonObject)}).
 *
 * @param host                  interface to bind, default {@code 127.0.0.1}
 * @param port                  HTTP port, default {@code 8090}; {@code 0} picks a free port
 * @param latencyMs             base delay of every non-shed answer, default 20
 * @param jitterMs              extra delay drawn uniformly from {@code [0, jitterMs]}, default 10
 * @param ratePerSecond         token-bucket rate for {@code POST /orders} (burst = rate); above it
 *                              {@code 429}; {@code 0} = unlimited; default 50
 * @param failureRate           probability (0..1) of a random {@code 500}; default 0
 * @param timeoutRate           probability (0..1) that an otherwise normal answer is held for
 *                              {@code timeoutHoldMs} (the order IS created: the "lost response"
 *                              case); default 0
 * @param timeoutHoldMs         how long a "time-out" answer is held, default 30 000 (longer than a
 *                              client time-out)
 * @param down                  every {@code /orders} call answers {@code 503} + Retry-After; default false
 * @param rejectCustomersPrefix customerId prefix that is refused permanently with {@code 422};
 *                              default {@code BLOCKED-}; empty = refuse nobody
 * @param progressionStepMs     delay between status events BOOKED, RELEASED, SHIPPED, INVOICED;
 *                              {@code 0} disables progression; default 2000
 * @param statusSchemaVersion   schemaVersion of the ErpOrderStatusChanged events written: 1, or 2
 *                              (adds allocations); default 1. Changeable at run time, to rehearse a
 *                              schema roll-out while the gateway runs
 * @param seed                  seed of the random source (failures, time-outs, jitter); {@code null}
 *                              = not reproducible
 */
public record ErpSimulatorOptions(
    String host,
    int port,
    long latencyMs,
    long jitterMs,
    int ratePerSecond,
    double failureRate,
    double timeoutRate,
    long timeoutHoldMs,
    boolean down,
    String rejectCustomersPrefix,
    long progressionStepMs,
    int statusSchemaVersion,
    Long seed) {

  public static final String ENV_PREFIX = "TIDEGATE_ERP_SIM_";

  static final long MAX_DELAY_MS = 600_000;
  static final int MAX_RATE = 1_000_000;

  /** Fields that {@code PUT /sim/config} may change. */
  public static final Set<String> RUNTIME_FIELDS = Set.of("latencyMs", "jitterMs", "ratePerSecond",
      "failureRate", "timeoutRate", "timeoutHoldMs", "down", "progressionStepMs",
      "rejectCustomersPrefix", "statusSchemaVersion");

  public ErpSimulatorOptions {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank, was '" + host + "'");
    }
    checkRange("port", port, 0, 65_535);
    checkRange("latencyMs", latencyMs, 0, MAX_DELAY_MS);
    checkRange("jitterMs", jitterMs, 0, MAX_DELAY_MS);
    checkRange("ratePerSecond", ratePerSecond, 0, MAX_RATE);
    checkProbability("failureRate", failureRate);
    checkProbability("timeoutRate", timeoutRate);
    checkRange("timeoutHoldMs", timeoutHoldMs, 1, MAX_DELAY_MS);
    checkRange("progressionStepMs", progressionStepMs, 0, 3_600_000);
    checkRange("statusSchemaVersion", statusSchemaVersion, 1, 2);
    rejectCustomersPrefix = rejectCustomersPrefix == null ? "" : rejectCustomersPrefix;
  }

  /** All defaults: 127.0.0.1:8090, 20 ms + 0..10 ms, 50 req/s, no chaos, 2 s progression. */
  public static ErpSimulatorOptions defaults() {
    return new ErpSimulatorOptions("127.0.0.1", 8090, 20, 10, 50, 0.0, 0.0, 30_000, false,
        "BLOCKED-", 2_000, 1, null);
  }

  /**
   * Reads {@code TIDEGATE_ERP_SIM_*} variables over the defaults: HOST, PORT, LATENCY_MS,
   * JITTER_MS, RATE_PER_SECOND, FAILURE_RATE, TIMEOUT_RATE, TIMEOUT_HOLD_MS, DOWN,
   * REJECT_CUSTOMERS_PREFIX, PROGRESSION_STEP_MS, STATUS_SCHEMA_VERSION, SEED. An unknown {@code TIDEGATE_ERP_SIM_*}
   * variable or a bad value throws {@link IllegalArgumentException} naming the variable, its
   * value and what was expected.
   */
  public static ErpSimulatorOptions fromEnv(Map<String, String> env) {
    Set<String> known = new TreeSet<>();
    for (EnvVar v : EnvVar.values()) {
      known.add(v.variable());
    }
    List<String> unknown = new ArrayList<>();
    env.keySet().stream().filter(k -> k.startsWith(ENV_PREFIX) && !known.contains(k))
        .sorted().forEach(unknown::add);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown variable(s) " + unknown + "; expected one of " + known);
    }
    JsonObject json = defaults().toJson();
    for (EnvVar v : EnvVar.values()) {
      String raw = env.get(v.variable());
      if (raw != null) {
        json.put(v.field, v.parse(raw.trim()));
      }
    }
    return fromJson(json);
  }

  /**
   * A copy with the given runtime fields changed (see {@link #RUNTIME_FIELDS}). Unknown fields,
   * fields that cannot change at run time, wrong types and out-of-range values throw
   * {@link IllegalArgumentException} naming the field and the value.
   */
  public ErpSimulatorOptions patched(JsonObject patch) {
    for (String field : patch.fieldNames()) {
      if (!RUNTIME_FIELDS.contains(field)) {
        throw new IllegalArgumentException("field '" + field + "' cannot be changed at run time; "
            + "changeable: " + new TreeSet<>(RUNTIME_FIELDS));
      }
    }
    return fromJson(toJson().mergeIn(patch));
  }

  /** The configuration as JSON (the body of {@code GET /sim/config}). */
  public JsonObject toJson() {
    return new JsonObject()
        .put("host", host).put("port", port)
        .put("latencyMs", latencyMs).put("jitterMs", jitterMs)
        .put("ratePerSecond", ratePerSecond)
        .put("failureRate", failureRate).put("timeoutRate", timeoutRate)
        .put("timeoutHoldMs", timeoutHoldMs)
        .put("down", down)
        .put("rejectCustomersPrefix", rejectCustomersPrefix)
        .put("progressionStepMs", progressionStepMs)
        .put("statusSchemaVersion", statusSchemaVersion)
        .put("seed", seed);
  }

  static ErpSimulatorOptions fromJson(JsonObject j) {
    return new ErpSimulatorOptions(
        string(j, "host"), (int) integer(j, "port"),
        integer(j, "latencyMs"), integer(j, "jitterMs"), (int) integer(j, "ratePerSecond"),
        number(j, "failureRate"), number(j, "timeoutRate"), integer(j, "timeoutHoldMs"),
        bool(j, "down"), string(j, "rejectCustomersPrefix"), integer(j, "progressionStepMs"),
        (int) integer(j, "statusSchemaVersion"),
        j.getValue("seed") == null ? null : integer(j, "seed"));
  }

  public ErpSimulatorOptions withHost(String v) { return copy("host", v); }
  public ErpSimulatorOptions withPort(int v) { return copy("port", v); }
  public ErpSimulatorOptions withLatencyMs(long v) { return copy("latencyMs", v); }
  public ErpSimulatorOptions withJitterMs(long v) { return copy("jitterMs", v); }
  public ErpSimulatorOptions withRatePerSecond(int v) { return copy("ratePerSecond", v); }
  public ErpSimulatorOptions withFailureRate(double v) { return copy("failureRate", v); }
  public ErpSimulatorOptions withTimeoutRate(double v) { return copy("timeoutRate", v); }
  public ErpSimulatorOptions withTimeoutHoldMs(long v) { return copy("timeoutHoldMs", v); }
  public ErpSimulatorOptions withDown(boolean v) { return copy("down", v); }
  public ErpSimulatorOptions withRejectCustomersPrefix(String v) { return copy("rejectCustomersPrefix", v); }
  public ErpSimulatorOptions withProgressionStepMs(long v) { return copy("progressionStepMs", v); }
  public ErpSimulatorOptions withStatusSchemaVersion(int v) { return copy("statusSchemaVersion", v); }
  public ErpSimulatorOptions withSeed(Long v) { return copy("seed", v); }

  private ErpSimulatorOptions copy(String field, Object value) {
    return fromJson(toJson().put(field, value));
  }

  private static void checkRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + "=" + value + ": expected " + min + ".." + max);
    }
  }

  private static void checkProbability(String name, double value) {
    if (!(value >= 0.0 && value <= 1.0)) {
      throw new IllegalArgumentException(name + "=" + value + ": expected a number in 0..1");
    }
  }

  private static String string(JsonObject j, String name) {
    Object v = j.getValue(name);
    if (v != null && !(v instanceof String)) {
      throw new IllegalArgumentException(name + "=" + v + ": expected a string");
    }
    return (String) v;
  }

  private static long integer(JsonObject j, String name) {
    Object v = j.getValue(name);
    if (!(v instanceof Integer || v instanceof Long)) {
      throw new IllegalArgumentException(name + "=" + v + ": expected an integer");
    }
    return ((Number) v).longValue();
  }

  private static double number(JsonObject j, String name) {
    Object v = j.getValue(name);
    if (!(v instanceof Number)) {
      throw new IllegalArgumentException(name + "=" + v + ": expected a number in 0..1");
    }
    return ((Number) v).doubleValue();
  }

  private static boolean bool(JsonObject j, String name) {
    Object v = j.getValue(name);
    if (!(v instanceof Boolean)) {
      throw new IllegalArgumentException(name + "=" + v + ": expected true or false");
    }
    return (Boolean) v;
  }

  /** Environment variables, each bound to a JSON field, parsed and range-checked with its own name. */
  private enum EnvVar {
    HOST("host", Kind.STRING, 0, 0),
    PORT("port", Kind.INTEGER, 0, 65_535),
    LATENCY_MS("latencyMs", Kind.INTEGER, 0, MAX_DELAY_MS),
    JITTER_MS("jitterMs", Kind.INTEGER, 0, MAX_DELAY_MS),
    RATE_PER_SECOND("ratePerSecond", Kind.INTEGER, 0, MAX_RATE),
    FAILURE_RATE("failureRate", Kind.PROBABILITY, 0, 1),
    TIMEOUT_RATE("timeoutRate", Kind.PROBABILITY, 0, 1),
    TIMEOUT_HOLD_MS("timeoutHoldMs", Kind.INTEGER, 1, MAX_DELAY_MS),
    DOWN("down", Kind.BOOLEAN, 0, 0),
    REJECT_CUSTOMERS_PREFIX("rejectCustomersPrefix", Kind.STRING, 0, 0),
    PROGRESSION_STEP_MS("progressionStepMs", Kind.INTEGER, 0, 3_600_000),
    STATUS_SCHEMA_VERSION("statusSchemaVersion", Kind.INTEGER, 1, 2),
    SEED("seed", Kind.INTEGER, Long.MIN_VALUE, Long.MAX_VALUE);

    enum Kind { STRING, INTEGER, PROBABILITY, BOOLEAN }

    final String field;
    final Kind kind;
    final long min;
    final long max;

    EnvVar(String field, Kind kind, long min, long max) {
      this.field = field;
      this.kind = kind;
      this.min = min;
      this.max = max;
    }

    String variable() {
      return ENV_PREFIX + name();
    }

    Object parse(String raw) {
      switch (kind) {
        case STRING:
          if (field.equals("host") && raw.isEmpty()) {
            throw bad(raw, "a host name or address");
          }
          return raw;
        case BOOLEAN:
          if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(raw);
          }
          throw bad(raw, "true or false");
        case PROBABILITY:
          return parseProbability(raw);
        default:
          return parseInteger(raw);
      }
    }

    private double parseProbability(String raw) {
      double d;
      try {
        d = Double.parseDouble(raw);
      } catch (NumberFormatException e) {
        throw bad(raw, "a number in 0..1");
      }
      if (!(d >= 0.0 && d <= 1.0)) {
        throw bad(raw, "a number in 0..1");
      }
      return d;
    }

    private long parseInteger(String raw) {
      String expected = min == Long.MIN_VALUE ? "an integer" : "an integer in " + min + ".." + max;
      long n;
      try {
        n = Long.parseLong(raw);
      } catch (NumberFormatException e) {
        throw bad(raw, expected);
      }
      if (n < min || n > max) {
        throw bad(raw, expected);
      }
      return n;
    }

    private IllegalArgumentException bad(String raw, String expected) {
      return new IllegalArgumentException(variable() + "='" + raw + "': expected " + expected);
    }
  }
}
