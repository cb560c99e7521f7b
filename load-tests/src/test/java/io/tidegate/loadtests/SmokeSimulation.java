package io.tidegate.loadtests;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * Seconds-long check that every operation of the mix answers as the contract says: each virtual
 * user checks readiness, then runs every operation of {@code -Dmix} in contract order (orders
 * before status polls) {@code -Diterations} times. Zero failed requests allowed (a wrong status,
 * a body that breaks the contract, or no answer within {@code -DrequestTimeoutMs}). It judges
 * correctness only: a handful of cold requests says nothing about percentiles.
 *
 * <pre>-Dmix=atp,check,quote,order,status -Dusers=2 -Diterations=3</pre>
 */
public class SmokeSimulation extends Simulation {

  private final Target target = Target.fromProperties();
  private final Mix mix = Mix.fromProperty("mix", Mix.CONTRACT);
  private final int users = Props.integer("users", 2, 1, 1000);
  private final int iterations = Props.integer("iterations", 3, 1, 10_000);
  private final Requests requests = new Requests(target, new AcceptedOrders(), Requests.Admission.STRICT);

  {
    System.out.println("Smoke against " + target + "; operations " + mix.operations()
        + ", " + users + " user(s) x " + iterations + " iteration(s)");
    setUp(scenario("smoke")
        .exec(http("GET /health/ready").get("/health/ready").check(status().is(200)))
        .exec(requests.pickChannel())
        .exec(repeat(iterations).on(exec(mix.operations().stream().map(requests::of).toList())))
        .injectOpen(atOnceUsers(users)))
        .protocols(target.protocol())
        .assertions(global().failedRequests().count().is(0L), global().successfulRequests().count().gt(0L))
        .maxDuration(Duration.ofSeconds(Props.integer("maxDurationSeconds", 120, 1, 86_400)));
  }
}
