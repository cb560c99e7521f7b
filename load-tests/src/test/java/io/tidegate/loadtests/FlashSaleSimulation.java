package io.tidegate.loadtests;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.foreach;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A flash sale: a burst of {@code -Dburst} orders at once, then {@code -Drate} orders per second
 * for {@code -DdurationSeconds}, all for a few hot SKUs, while shoppers keep reading their
 * availability ({@code -DbrowseRate} ATP reads per second).
 *
 * <p>Every order must be answered, within {@code -DrequestTimeoutMs}, with a 202 (valid
 * acceptance), a refusal for short stock ({@code -DrejectStatuses}, a problem with a {@code code}),
 * or a fast 429/503 with {@code Retry-After}. When the channels' ATP policy is {@code reject}
 * ({@code -DcheckOversell=true}, the default), soft reservations must prevent overselling: after the
 * sale, for each hot SKU, the units of all 202'd orders must not exceed the {@code total.available}
 * read before the sale. That check is a request named {@code oversell check} which fails the run.
 *
 * <pre>-DhotSkus=SKU-0001,SKU-0002,SKU-0003 -DorderQuantity=1 -Dburst=50 -Drate=100 -DdurationSeconds=20
 * -DbrowseRate=200 -DrejectStatuses=409,422 -DcheckOversell=true</pre>
 */
public class FlashSaleSimulation extends Simulation {

  static final String FLASH_ORDER = "POST /v1/orders (flash sale)";
  static final String OVERSELL_CHECK = "oversell check: 202'd units <= available before the sale";

  private final Target target = Target.fromProperties();
  private final List<String> hotSkus = Props.list("hotSkus", "SKU-0001,SKU-0002,SKU-0003");
  private final int quantity = Props.integer("orderQuantity", 1, 1, 1_000_000);
  private final int burst = Props.integer("burst", 50, 0, 1_000_000);
  private final double rate = Props.decimal("rate", 100, 0.1, 1_000_000);
  private final int durationSeconds = Props.integer("durationSeconds", 20, 1, 86_400);
  private final double browseRate = Props.decimal("browseRate", 200, 0, 1_000_000);
  private final List<Integer> rejectStatuses = Props.list("rejectStatuses", "409,422").stream()
      .map(Integer::valueOf).toList();
  private final boolean checkOversell = Props.bool("checkOversell", true);

  private final Requests requests = new Requests(target, new AcceptedOrders(), Requests.Admission.SHEDDING);
  private final Map<String, Integer> availableBefore = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> acceptedUnits = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicLong> answers = new ConcurrentHashMap<>();

  {
    if (hotSkus.isEmpty()) {
      throw new IllegalArgumentException("-DhotSkus needs at least one SKU");
    }
    hotSkus.forEach(sku -> acceptedUnits.put(sku, new AtomicLong()));
    System.out.printf("FlashSale against %s: %d orders at once then %.1f/s for %d s on %s (quantity %d), "
        + "%.1f ATP reads/s; oversell check %s%n", target, burst, rate, durationSeconds, hotSkus, quantity,
        browseRate, checkOversell ? "on" : "off");

    ScenarioBuilder before = scenario("flash: availability before the sale")
        .exec(s -> s.set("apiKey", target.apiKeys().get(0)))
        .exec(foreach(hotSkus, "sku").on(
            exec(http("GET /v1/atp/{sku} (before the sale)").get("/v1/atp/#{sku}")
                .header("X-Api-Key", "#{apiKey}").requestTimeout(target.requestTimeout())
                .check(status().is(200), jsonPath("$.total.available").ofInt().saveAs("available")))
                .exec(s -> {
                  availableBefore.put(s.getString("sku"), s.getInt("available"));
                  return s;
                })));

    List<Integer> allowed = new ArrayList<>(List.of(202, 429, 503));
    allowed.addAll(rejectStatuses);
    ScenarioBuilder orders = scenario("flash: orders")
        .exec(requests.pickChannel())
        .exec(s -> {
          String sku = Target.pick(hotSkus);
          return s.set("sku", sku).set("idemKey", UUID.randomUUID().toString())
              .set("body", Requests.orderBody(Target.pick(target.customerIds()),
                  "{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + "}"));
        })
        .exec(requests.authed(http(FLASH_ORDER).post("/v1/orders"))
            .header("Content-Type", "application/json").header("Idempotency-Key", "#{idemKey}")
            .body(StringBody("#{body}"))
            .check(status().in(allowed).saveAs("orderStatus"))
            .checkIf((r, s) -> r.status().code() == 202).then(
                jsonPath("$.orderId").exists(), jsonPath("$.status").is("ACCEPTED"), header("Location").exists())
            .checkIf((r, s) -> r.status().code() == 429 || r.status().code() == 503).then(
                header("Retry-After").exists())
            .checkIf((r, s) -> rejectStatuses.contains(r.status().code())).then(
                jsonPath("$.code").exists()))
        .exec(this::count);

    ScenarioBuilder browse = scenario("flash: shoppers reading availability")
        .exec(requests.pickChannel())
        .exec(s -> {
          String sku = Target.pick(hotSkus);
          return s.set("sku", sku).set("atpPath", "/v1/atp/" + sku);
        })
        .exec(requests.atpGet("GET /v1/atp/{sku} (hot SKU)", "#{atpPath}"));

    ScenarioBuilder verify = scenario("flash: oversell check")
        .exec(s -> s.set("apiKey", target.apiKeys().get(0)))
        .exec(foreach(hotSkus, "sku").on(exec(http(OVERSELL_CHECK).get("/v1/atp/#{sku}")
            .header("X-Api-Key", "#{apiKey}").requestTimeout(target.requestTimeout())
            .check(status().is(200), jsonPath("$.total.available").ofInt().validate("no oversell", this::noOversell)))));

    PopulationBuilder spike = orders.injectOpen(atOnceUsers(burst),
        constantUsersPerSec(rate).during(Duration.ofSeconds(durationSeconds)));
    if (checkOversell) {
      spike = spike.andThen(verify.injectOpen(atOnceUsers(1)));
    }
    List<PopulationBuilder> during = new ArrayList<>(List.of(spike));
    if (browseRate > 0) {
      during.add(browse.injectOpen(constantUsersPerSec(browseRate).during(Duration.ofSeconds(durationSeconds))));
    }
    List<Assertion> assertions = new ArrayList<>(List.of(
        global().failedRequests().percent().lte(Props.decimal("maxErrorPct", 0.0, 0, 100)),
        details(FLASH_ORDER).responseTime().percentile(99.0).lte(Thresholds.p99(Operation.ORDER))));
    if (checkOversell) {
      assertions.add(details(OVERSELL_CHECK).failedRequests().count().is(0L));
    }
    setUp(before.injectOpen(atOnceUsers(1)).andThen(during))
        .protocols(target.protocol())
        .assertions(assertions)
        .maxDuration(Duration.ofSeconds(durationSeconds + 120L));
  }

  private Session count(Session s) {
    if (s.contains("orderStatus")) {
      int code = s.getInt("orderStatus");
      answers.computeIfAbsent(code, c -> new AtomicLong()).incrementAndGet();
      if (code == 202) {
        acceptedUnits.get(s.getString("sku")).addAndGet(quantity);
      }
    }
    return s;
  }

  private Integer noOversell(Integer availableNow, Session s) {
    String sku = s.getString("sku");
    Integer before = availableBefore.get(sku);
    long accepted = acceptedUnits.get(sku).get();
    if (before == null) {
      throw new IllegalStateException("availability of " + sku + " before the sale is unknown");
    }
    if (accepted > before) {
      throw new IllegalStateException(sku + ": " + accepted + " units accepted (202) but only " + before
          + " were available before the sale (now " + availableNow + ")");
    }
    return availableNow;
  }

  @Override
  public void after() {
    System.out.println("flash sale answers by status: " + new TreeMap<>(answers));
    hotSkus.forEach(sku -> System.out.printf("  %s: available before %s, units accepted (202) %d%n",
        sku, availableBefore.get(sku), acceptedUnits.get(sku).get()));
  }
}
