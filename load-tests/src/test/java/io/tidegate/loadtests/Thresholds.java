package io.tidegate.loadtests;

import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;

import io.gatling.javaapi.core.Assertion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pass/fail criteria of a run, as Gatling assertions (a broken one fails the Maven build):
 * the share of failed requests overall, and the 99th percentile of each operation in the mix.
 *
 * <pre>
 * -DmaxErrorPct=0.5                          failed requests, % of all
 * -Dp99Ms.atp=25 -Dp99Ms.check=50 -Dp99Ms.quote=50 -Dp99Ms.order=250 -Dp99Ms.status=50
 * </pre>
 */
final class Thresholds {

  /** Defaults for the dev stack on a small machine; targets of the issues are tighter (see README). */
  private static final Map<Operation, Integer> P99_MS = Map.of(
      Operation.ATP, 25, Operation.CHECK, 50, Operation.QUOTE, 50, Operation.ORDER, 250, Operation.STATUS, 50);

  private Thresholds() {
  }

  static List<Assertion> forMix(Mix mix, double defaultMaxErrorPct) {
    List<Assertion> out = new ArrayList<>();
    out.add(global().failedRequests().percent().lte(Props.decimal("maxErrorPct", defaultMaxErrorPct, 0, 100)));
    for (Operation op : mix.operations()) {
      out.add(details(op.request()).responseTime().percentile(99.0).lte(p99(op)));
    }
    return out;
  }

  static int p99(Operation op) {
    return Props.integer("p99Ms." + op.mixName(), P99_MS.get(op), 1, 600_000);
  }
}
