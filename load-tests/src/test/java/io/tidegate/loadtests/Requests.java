package io.tidegate.loadtests;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.core.Choice;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntConsumer;

/**
 * One chain per contract operation, each with checks that hold the gateway to CONTRACT.md: the
 * success status, the fields a channel relies on, and (in {@link Admission#SHEDDING} mode) that a
 * refusal is a 429/503 problem with {@code Retry-After}, answered fast.
 *
 * <pre>
 * -DatpLocationShare=0.2   share of ATP reads with ?location=
 * -DcheckMaxLines=5        POST /v1/atp:check sends 1..N distinct SKUs
 * -DquoteMaxLines=10       POST /v1/prices:quote sends 1..N lines
 * -DorderMaxLines=3        POST /v1/orders sends 1..N lines (quantity 1..2)
 * -DorderReplayShare=0.05  share of orders sent twice with the same Idempotency-Key and body
 * -DrejectMaxMs=5          SHEDDING mode: a 429/503 slower than this fails its check
 * </pre>
 */
final class Requests {

  /** Whether a refusal (429/503) is an acceptable answer. */
  enum Admission {
    /** Only the operation's success status passes (runs within budget and capacity). */
    STRICT,
    /** 429 RATE_LIMITED / 503 OVERLOADED|DEPENDENCY_UNAVAILABLE with Retry-After also pass, if fast. */
    SHEDDING
  }

  static final List<String> CHECK_STATUSES = List.of("AVAILABLE", "PARTIAL", "UNAVAILABLE");
  static final List<String> QUOTE_LINE_STATUSES = List.of("PRICED", "NOT_PRICED");
  static final List<String> ORDER_STATUSES = List.of("ACCEPTED", "SUBMITTED", "BOOKED", "RELEASED", "SHIPPED",
      "INVOICED", "REJECTED", "FAILED", "CANCELLED");
  static final List<String> SHED_CODES = List.of("RATE_LIMITED", "OVERLOADED", "DEPENDENCY_UNAVAILABLE");

  private final Target target;
  private final AcceptedOrders orders;
  private final Admission admission;
  private final IntConsumer latencySink;
  private final double atpLocationShare;
  private final int checkMaxLines;
  private final int quoteMaxLines;
  private final int orderMaxLines;
  private final double orderReplayShare;
  private final int rejectMaxMs;

  Requests(Target target, AcceptedOrders orders, Admission admission, IntConsumer latencySink) {
    this.target = target;
    this.orders = orders;
    this.admission = admission;
    this.latencySink = latencySink;
    this.atpLocationShare = Props.decimal("atpLocationShare", 0.2, 0, 1);
    this.checkMaxLines = Props.integer("checkMaxLines", 5, 1, 100);
    this.quoteMaxLines = Props.integer("quoteMaxLines", 10, 1, 100);
    this.orderMaxLines = Props.integer("orderMaxLines", 3, 1, 100);
    this.orderReplayShare = Props.decimal("orderReplayShare", 0.05, 0, 1);
    this.rejectMaxMs = Props.integer("rejectMaxMs", 5, 0, 600_000);
  }

  Requests(Target target, AcceptedOrders orders, Admission admission) {
    this(target, orders, admission, null);
  }

  /** Each virtual user acts for one channel, picked at random among {@code -DapiKeys}. */
  ChainBuilder pickChannel() {
    return exec(s -> s.set("apiKey", target.randomKey()));
  }

  /** One operation drawn at random with the mix's weights. */
  ChainBuilder mixed(Mix mix) {
    List<Choice.WithWeight> choices = new ArrayList<>();
    mix.percentages().forEach((op, pct) -> choices.add(percent(pct).then(of(op))));
    return randomSwitch().on(choices);
  }

  ChainBuilder of(Operation op) {
    return switch (op) {
      case ATP -> atp();
      case CHECK -> check();
      case QUOTE -> quote();
      case ORDER -> order();
      case STATUS -> statusPoll();
    };
  }

  ChainBuilder atp() {
    return exec(s -> {
      String sku = target.randomSku();
      String query = ThreadLocalRandom.current().nextDouble() < atpLocationShare
          ? "?location=" + Target.pick(target.locations()) : "";
      return s.set("sku", sku).set("atpPath", "/v1/atp/" + sku + query);
    }).exec(send(atpGet(Operation.ATP.request(), "#{atpPath}")));
  }

  /** {@code GET /v1/atp/{sku}} for the SKU in the session's {@code sku}, at {@code path} (EL). */
  HttpRequestActionBuilder atpGet(String name, String path) {
    return admit(authed(http(name).get(path)), 200,
        jsonPath("$.sku").is(s -> s.getString("sku")),
        jsonPath("$.total.available").ofInt().gte(0),
        jsonPath("$.locations[*].location").count().gte(1),
        target.allowStale() ? jsonPath("$.stale").ofBoolean().exists() : jsonPath("$.stale").ofBoolean().is(false));
  }

  ChainBuilder check() {
    return exec(s -> {
      List<String> skus = distinctSkus(1 + ThreadLocalRandom.current().nextInt(checkMaxLines));
      StringBuilder body = new StringBuilder("{\"lines\":[");
      for (int i = 0; i < skus.size(); i++) {
        body.append(i == 0 ? "" : ",").append("{\"sku\":\"").append(skus.get(i)).append("\",\"quantity\":")
            .append(1 + ThreadLocalRandom.current().nextInt(5));
        if (ThreadLocalRandom.current().nextDouble() < 0.3) {
          body.append(",\"location\":\"").append(Target.pick(target.locations())).append('"');
        }
        body.append('}');
      }
      body.append("],\"requestedDate\":\"").append(LocalDate.now(ZoneOffset.UTC)
          .plusDays(ThreadLocalRandom.current().nextInt(15))).append("\"}");
      return s.set("lineCount", skus.size()).set("body", body.toString());
    }).exec(send(admit(json(authed(http(Operation.CHECK.request()).post("/v1/atp:check"))), 200,
        jsonPath("$.lines[*].status").count().is(s -> s.getInt("lineCount")),
        jsonPath("$.lines[*].status").findAll().validate("each line AVAILABLE|PARTIAL|UNAVAILABLE",
            (all, s) -> allIn(all, CHECK_STATUSES)),
        jsonPath("$.lines[*].promised").ofInt().findAll().validate("promised >= 0", (all, s) -> {
          if (all.stream().anyMatch(p -> p < 0)) {
            throw new IllegalStateException("negative promised quantity " + all);
          }
          return all;
        }),
        jsonPath("$.stale").ofBoolean().exists())));
  }

  ChainBuilder quote() {
    return exec(s -> {
      List<String> skus = distinctSkus(1 + ThreadLocalRandom.current().nextInt(quoteMaxLines));
      String currency = Target.pick(target.currencies());
      StringBuilder body = new StringBuilder("{");
      if (ThreadLocalRandom.current().nextBoolean()) {
        body.append("\"customerId\":\"").append(Target.pick(target.customerIds())).append("\",");
      }
      body.append("\"currency\":\"").append(currency).append("\",\"lines\":[");
      for (int i = 0; i < skus.size(); i++) {
        body.append(i == 0 ? "" : ",").append("{\"sku\":\"").append(skus.get(i)).append("\",\"quantity\":")
            .append(1 + ThreadLocalRandom.current().nextInt(150)).append('}');
      }
      body.append("]}");
      return s.set("lineCount", skus.size()).set("currency", currency).set("body", body.toString());
    }).exec(send(admit(json(authed(http(Operation.QUOTE.request()).post("/v1/prices:quote"))), 201,
        header("Location").exists(),
        jsonPath("$.quoteId").exists(),
        jsonPath("$.priceVersion").exists(),
        jsonPath("$.validUntil").exists(),
        jsonPath("$.currency").is(s -> s.getString("currency")),
        jsonPath("$.lines[*].status").count().is(s -> s.getInt("lineCount")),
        jsonPath("$.lines[*].status").findAll().validate("each line PRICED|NOT_PRICED",
            (all, s) -> allIn(all, QUOTE_LINE_STATUSES)),
        jsonPath("$.totals.total").exists())));
  }

  ChainBuilder order() {
    return exec(s -> {
      List<String> skus = distinctSkus(1 + ThreadLocalRandom.current().nextInt(orderMaxLines));
      StringBuilder lines = new StringBuilder();
      for (int i = 0; i < skus.size(); i++) {
        lines.append(i == 0 ? "" : ",").append("{\"sku\":\"").append(skus.get(i)).append("\",\"quantity\":")
            .append(1 + ThreadLocalRandom.current().nextInt(2)).append('}');
      }
      return s.remove("orderId").remove("orderStatus")
          .set("idemKey", UUID.randomUUID().toString())
          .set("body", orderBody(Target.pick(target.customerIds()), lines.toString()))
          .set("replay", ThreadLocalRandom.current().nextDouble() < orderReplayShare);
    }).exec(send(orderPost(Operation.ORDER.request())))
        .exec(this::remember)
        .doIf(s -> s.getBoolean("replay") && s.contains("orderId")).then(send(orderReplay()));
  }

  /** A contract-valid order body around the given JSON lines. */
  static String orderBody(String customerId, String linesJson) {
    return "{\"externalId\":\"lt-" + UUID.randomUUID() + "\",\"customerId\":\"" + customerId
        + "\",\"shipTo\":{\"name\":\"Load Test\",\"line1\":\"1 Quay Street\",\"city\":\"Rotterdam\","
        + "\"postalCode\":\"3011 AA\",\"country\":\"NL\"},\"lines\":[" + linesJson + "]}";
  }

  /** {@code POST /v1/orders} with the session's {@code idemKey} and {@code body}; saves {@code orderId}. */
  HttpRequestActionBuilder orderPost(String name) {
    return admit(json(authed(http(name).post("/v1/orders"))).header("Idempotency-Key", "#{idemKey}")
            .check(status().saveAs("orderStatus")), 202,
        header("Location").exists(),
        jsonPath("$.orderId").saveAs("orderId"),
        jsonPath("$.status").is("ACCEPTED"),
        jsonPath("$.statusUrl").exists());
  }

  private HttpRequestActionBuilder orderReplay() {
    return admit(json(authed(http(Operation.ORDER_REPLAY).post("/v1/orders"))).header("Idempotency-Key", "#{idemKey}"),
        202,
        header("Idempotent-Replayed").is("true"),
        jsonPath("$.orderId").isEL("#{orderId}"));
  }

  private Session remember(Session s) {
    if (s.contains("orderId") && s.contains("orderStatus") && s.getInt("orderStatus") == 202) {
      orders.add(s.getString("apiKey"), s.getString("orderId"));
    }
    return s;
  }

  ChainBuilder statusPoll() {
    return exec(s -> {
      String id = orders.pick(s.getString("apiKey"));
      return id == null ? s.remove("statusOrderId") : s.set("statusOrderId", id);
    }).doIf(s -> s.contains("statusOrderId")).then(send(admit(
        authed(http(Operation.STATUS.request()).get("/v1/orders/#{statusOrderId}")), 200,
        jsonPath("$.orderId").isEL("#{statusOrderId}"),
        jsonPath("$.status").in(ORDER_STATUSES),
        jsonPath("$.history[*].status").count().gte(1))));
  }

  // ---- shared request plumbing ----

  HttpRequestActionBuilder authed(HttpRequestActionBuilder request) {
    return request.header("X-Api-Key", "#{apiKey}").requestTimeout(target.requestTimeout());
  }

  private static HttpRequestActionBuilder json(HttpRequestActionBuilder request) {
    return request.header("Content-Type", "application/json").body(StringBody("#{body}"));
  }

  /**
   * STRICT: the success status and every body check. SHEDDING: the success status with its body
   * checks, or a fast 429/503 problem with Retry-After.
   */
  HttpRequestActionBuilder admit(HttpRequestActionBuilder request, int success, CheckBuilder... bodyChecks) {
    if (admission == Admission.STRICT) {
      return request.check(status().is(success)).check(bodyChecks);
    }
    return request.check(status().in(success, 429, 503))
        .checkIf((r, s) -> r.status().code() == success).then(bodyChecks)
        .checkIf((r, s) -> r.status().code() != success).then(
            header("Retry-After").exists(),
            jsonPath("$.code").in(SHED_CODES),
            responseTimeInMillis().lte(rejectMaxMs));
  }

  private ChainBuilder send(HttpRequestActionBuilder request) {
    if (latencySink == null) {
      return exec(request);
    }
    return exec(s -> s.remove("rt"))
        .exec(request.check(responseTimeInMillis().saveAs("rt")))
        .exec(s -> {
          if (s.contains("rt")) {
            latencySink.accept(s.getInt("rt"));
          }
          return s;
        });
  }

  private List<String> distinctSkus(int n) {
    Set<String> skus = new LinkedHashSet<>();
    int wanted = Math.min(n, target.skuCount());
    while (skus.size() < wanted) {
      skus.add(target.randomSku());
    }
    return new ArrayList<>(skus);
  }

  private static List<String> allIn(List<String> values, List<String> allowed) {
    for (String v : values) {
      if (!allowed.contains(v)) {
        throw new IllegalStateException("'" + v + "' is not one of " + allowed);
      }
    }
    return values;
  }
}
