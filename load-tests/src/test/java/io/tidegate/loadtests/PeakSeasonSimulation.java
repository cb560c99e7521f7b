package io.tidegate.loadtests;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * A peak-season day compressed: arrivals ramp to {@code -Drate} requests per second and hold
 * there (open model: new requests arrive whatever the gateway's latency, as shoppers do). Each
 * arrival is one operation drawn from {@code -Dmix}: mostly availability lookups and checks, then
 * quotes, status polls of orders accepted earlier in the run, and orders with idempotency keys (a
 * share of them retried with the same key, which must replay the original 202).
 *
 * <pre>-Drate=200 -DrampSeconds=30 -DdurationSeconds=60 -Dmix=atp:55,check:15,quote:15,status:10,order:5</pre>
 *
 * <p>Fails when more than {@code -DmaxErrorPct} of requests fail or an operation's p99 exceeds its
 * {@code -Dp99Ms.<operation>} (see {@link Thresholds}).
 */
public class PeakSeasonSimulation extends Simulation {

  private final Target target = Target.fromProperties();
  private final Mix mix = Mix.fromProperty("mix", Mix.CONTRACT);
  private final double rate = Props.decimal("rate", 200, 0.1, 1_000_000);
  private final int rampSeconds = Props.integer("rampSeconds", 30, 0, 86_400);
  private final int durationSeconds = Props.integer("durationSeconds", 60, 1, 7 * 86_400);
  private final AcceptedOrders orders = new AcceptedOrders();
  private final Requests requests = new Requests(target, orders, Requests.Admission.STRICT);

  {
    System.out.printf("PeakSeason against %s: ramp to %.1f req/s over %d s, hold %d s; mix %s%n",
        target, rate, rampSeconds, durationSeconds, mix);
    setUp(scenario("peak season")
        .exec(requests.pickChannel())
        .exec(requests.mixed(mix))
        .injectOpen(
            rampUsersPerSec(Math.min(1, rate)).to(rate).during(Duration.ofSeconds(rampSeconds)),
            constantUsersPerSec(rate).during(Duration.ofSeconds(durationSeconds))))
        .protocols(target.protocol())
        .assertions(Thresholds.forMix(mix, 0.5))
        .maxDuration(Duration.ofSeconds(rampSeconds + durationSeconds + 60L));
  }

  @Override
  public void after() {
    if (mix.has(Operation.STATUS)) {
      System.out.println("status polls skipped because the channel had no accepted order yet: "
          + orders.pollsWithoutOrder());
    }
  }
}
