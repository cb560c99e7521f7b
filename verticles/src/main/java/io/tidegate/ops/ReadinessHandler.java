package io.tidegate.ops;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /health/ready}: 200 when every check that decides readiness is UP, 503 otherwise, with
 * each check's status and data. The shared dependencies ({@link Readiness#REPORTED_ONLY}: the broker,
 * the database) are reported, DOWN when they are, but do not decide: an outage of one hits every
 * instance at once, and a load balancer that took them all out of rotation would turn a degraded
 * service (ATP served and flagged stale, fast 503s for writes) into no service. The answer's
 * {@code degraded} lists them while down. (vertx-web's HealthCheckHandler reads check names from
 * the path, which does not fit a fixed route.)
 */
public final class ReadinessHandler implements Handler<RoutingContext> {

  private final HealthChecks checks;

  public ReadinessHandler(HealthChecks checks) {
    this.checks = checks;
  }

  @Override
  public void handle(RoutingContext rc) {
    checks.checkStatus().onComplete(ar -> {
      boolean up = ar.succeeded();
      JsonArray list = new JsonArray();
      JsonArray degraded = new JsonArray();
      if (ar.succeeded() && ar.result().getChecks() != null) {
        for (CheckResult check : ar.result().getChecks()) {
          boolean checkUp = CheckResult.isUp(check);
          JsonObject entry = new JsonObject().put("id", check.getId()).put("status", checkUp ? "UP" : "DOWN");
          if (check.getData() != null && !check.getData().isEmpty()) {
            entry.put("data", check.getData());
          }
          list.add(entry);
          if (!checkUp && Readiness.REPORTED_ONLY.contains(check.getId())) {
            degraded.add(check.getId());
          } else if (!checkUp) {
            up = false;
          }
        }
      }
      JsonObject body = new JsonObject().put("status", up ? "UP" : "DOWN");
      if (!degraded.isEmpty()) {
        body.put("degraded", degraded);
      }
      body.put("checks", list);
      rc.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json");
      if (!up) {
        rc.response().putHeader("Retry-After", "5");
      }
      rc.response().end(body.toBuffer());
    });
  }
}
