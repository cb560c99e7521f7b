package io.tidegate.loadtests;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A long, moderate run ({@code -Drate} for {@code -DdurationSeconds}, default 30 min) that watches
 * for drift. Response times are bucketed into {@code -DwindowSeconds} windows; at the end a check
 * named {@code soak drift check} fails the run when the last complete window's p99 exceeds
 * {@code -DmaxP99Drift} times the first window after {@code -DwarmupSeconds} (plus
 * {@code -DdriftSlackMs}, since p99s of a few ms move by whole milliseconds). {@code /metrics} is
 * scraped every {@code -DscrapeSeconds}; the old-generation heap after each scrape is printed at the
 * end, and with {@code -DmaxOldGenGrowthMb>0} its growth from the first to the last scrape is part
 * of the drift check.
 *
 * <pre>-Drate=50 -DdurationSeconds=1800 -Dmix=... -DwindowSeconds=60 -DwarmupSeconds=120
 * -DmaxP99Drift=2.0 -DdriftSlackMs=5 -DscrapeSeconds=30 -DmaxOldGenGrowthMb=0</pre>
 */
public class SoakSimulation extends Simulation {

  static final String DRIFT_CHECK = "soak drift check";

  private final Target target = Target.fromProperties();
  private final Mix mix = Mix.fromProperty("mix", Mix.CONTRACT);
  private final double rate = Props.decimal("rate", 50, 0.1, 1_000_000);
  private final int durationSeconds = Props.integer("durationSeconds", 1800, 1, 7 * 86_400);
  private final int windowSeconds = Props.integer("windowSeconds", 60, 1, 86_400);
  private final int warmupSeconds = Props.integer("warmupSeconds", 120, 0, 86_400);
  private final double maxP99Drift = Props.decimal("maxP99Drift", 2.0, 1, 1000);
  private final int driftSlackMs = Props.integer("driftSlackMs", 5, 0, 600_000);
  private final int scrapeSeconds = Props.integer("scrapeSeconds", 30, 1, 86_400);
  private final int maxOldGenGrowthMb = Props.integer("maxOldGenGrowthMb", 0, 0, 1_000_000);

  private final LatencyWindows windows = new LatencyWindows(windowSeconds * 1000L, System::currentTimeMillis);
  private final List<Double> oldGenMb = new CopyOnWriteArrayList<>();
  private final AcceptedOrders orders = new AcceptedOrders();
  private final Requests requests = new Requests(target, orders, Requests.Admission.STRICT, windows::record);

  {
    if (durationSeconds < warmupSeconds + 2L * windowSeconds) {
      throw new IllegalArgumentException("-DdurationSeconds=" + durationSeconds + " must cover -DwarmupSeconds ("
          + warmupSeconds + ") plus two -DwindowSeconds (" + windowSeconds + ") to compare windows");
    }
    System.out.printf("Soak against %s: %.1f req/s for %d s; mix %s; windows of %d s after %d s warm-up%n",
        target, rate, durationSeconds, mix, windowSeconds, warmupSeconds);

    ScenarioBuilder traffic = scenario("soak")
        .exec(requests.pickChannel())
        .exec(requests.mixed(mix));
    ScenarioBuilder scraper = scenario("soak: metrics scraper")
        .exec(during(Duration.ofSeconds(durationSeconds)).on(
            exec(http("GET /metrics").get("/metrics").requestTimeout(target.requestTimeout())
                .check(status().is(200), bodyString().saveAs("metrics")))
                .exec(this::sampleMemory)
                .pause(Duration.ofSeconds(scrapeSeconds))));
    ScenarioBuilder verdict = scenario("soak: verdict")
        .exec(http(DRIFT_CHECK).get("/health/live")
            .check(status().is(200), responseTimeInMillis().validate("no drift", (rt, s) -> {
              checkDrift();
              return rt;
            })));

    List<Assertion> assertions = new ArrayList<>(Thresholds.forMix(mix, 0.5));
    assertions.add(details(DRIFT_CHECK).failedRequests().count().is(0L));
    setUp(traffic.injectOpen(constantUsersPerSec(rate).during(Duration.ofSeconds(durationSeconds)))
            .andThen(verdict.injectOpen(atOnceUsers(1))),
        scraper.injectOpen(atOnceUsers(1)))
        .protocols(target.protocol())
        .assertions(assertions)
        .maxDuration(Duration.ofSeconds(durationSeconds + scrapeSeconds + 120L));
  }

  private Session sampleMemory(Session s) {
    String metrics = s.getString("metrics");
    double bytes = 0;
    boolean found = false;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"") && line.contains("Old Gen")) {
        bytes += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        found = true;
      }
    }
    if (found) {
      oldGenMb.add(bytes / (1024 * 1024));
    }
    return s.remove("metrics");
  }

  private void checkDrift() {
    long firstEligible = (warmupSeconds + windowSeconds - 1L) / windowSeconds;
    List<LatencyWindows.Stats> done = windows.completed().stream().filter(w -> w.window() >= firstEligible).toList();
    if (done.size() < 2) {
      throw new IllegalStateException("fewer than two complete windows after warm-up: " + done);
    }
    LatencyWindows.Stats first = done.get(0);
    LatencyWindows.Stats last = done.get(done.size() - 1);
    double limit = maxP99Drift * first.p99() + driftSlackMs;
    if (last.p99() > limit) {
      throw new IllegalStateException(String.format("p99 drifted from %d ms (window %d) to %d ms (window %d), "
          + "over %.0f ms", first.p99(), first.window(), last.p99(), last.window(), limit));
    }
    if (maxOldGenGrowthMb > 0 && oldGenMb.size() >= 2) {
      double growth = oldGenMb.get(oldGenMb.size() - 1) - oldGenMb.get(0);
      if (growth > maxOldGenGrowthMb) {
        throw new IllegalStateException(String.format("old generation grew by %.0f MB (limit %d MB)", growth,
            maxOldGenGrowthMb));
      }
    }
  }

  @Override
  public void after() {
    System.out.println("soak windows (window, requests, p50 ms, p99 ms):");
    windows.completed().forEach(w -> System.out.printf("  %4d %8d %6d %6d%n", w.window(), w.count(), w.p50(), w.p99()));
    System.out.println("old generation after each /metrics scrape (MB): " + oldGenMb.stream()
        .map(mb -> String.format("%.0f", mb)).toList());
  }
}
