package io.tidegate.loadtests;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * Several times capacity: arrivals at {@code -Drate} (set it to 3x or more of the rate the gateway
 * sustains, e.g. as measured by {@code load-tests/bench atp}). The gateway must say no quickly
 * instead of queueing: every answer is either the operation's success with a valid body, or a
 * {@code 429 RATE_LIMITED} / {@code 503 OVERLOADED|DEPENDENCY_UNAVAILABLE} problem with
 * {@code Retry-After} within {@code -DrejectMaxMs}; a request time-out
 * ({@code -DrequestTimeoutMs}, default 2000 here) or any other status fails the run.
 *
 * <pre>-Drate=3000 -DrampSeconds=10 -DdurationSeconds=30 -Dmix=... -DrejectMaxMs=5 -DrequestTimeoutMs=2000</pre>
 */
public class OverloadSimulation extends Simulation {

  private final Target target = Target.fromProperties(2000);
  private final Mix mix = Mix.fromProperty("mix", Mix.CONTRACT);
  private final double rate = Props.decimal("rate", 3000, 0.1, 1_000_000);
  private final int rampSeconds = Props.integer("rampSeconds", 10, 0, 86_400);
  private final int durationSeconds = Props.integer("durationSeconds", 30, 1, 86_400);
  private final AcceptedOrders orders = new AcceptedOrders();
  private final Requests requests = new Requests(target, orders, Requests.Admission.SHEDDING);

  {
    System.out.printf("Overload against %s: ramp to %.1f req/s over %d s, hold %d s; mix %s%n",
        target, rate, rampSeconds, durationSeconds, mix);
    setUp(scenario("overload")
        .exec(requests.pickChannel())
        .exec(requests.mixed(mix))
        .injectOpen(
            rampUsersPerSec(Math.min(1, rate)).to(rate).during(Duration.ofSeconds(rampSeconds)),
            constantUsersPerSec(rate).during(Duration.ofSeconds(durationSeconds))))
        .protocols(target.protocol())
        .assertions(global().failedRequests().percent().lte(Props.decimal("maxErrorPct", 0.0, 0, 100)))
        .maxDuration(Duration.ofSeconds(rampSeconds + durationSeconds + 60L));
  }
}
