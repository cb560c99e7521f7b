package io.tidegate.ops;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /health/ready}: 200 when every check is UP, 503 otherwise, with each check's status
 * and data. (vertx-web's HealthCheckHandler reads check names from the path, which does not fit a
 * fixed route.)
 */
public final class ReadinessHandler implements Handler<RoutingContext> {

  private final HealthChecks checks;

  public ReadinessHandler(HealthChecks checks) {
    this.checks = checks;
  }

  @Override
  public void handle(RoutingContext rc) {
    checks.checkStatus().onComplete(ar -> {
      boolean up = ar.succeeded() && CheckResult.isUp(ar.result());
      JsonArray list = new JsonArray();
      if (ar.succeeded() && ar.result().getChecks() != null) {
        for (CheckResult check : ar.result().getChecks()) {
          JsonObject entry = new JsonObject().put("id", check.getId())
              .put("status", CheckResult.isUp(check) ? "UP" : "DOWN");
          if (check.getData() != null && !check.getData().isEmpty()) {
            entry.put("data", check.getData());
          }
          list.add(entry);
        }
      }
      JsonObject body = new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", list);
      rc.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json");
      if (!up) {
        rc.response().putHeader("Retry-After", "5");
      }
      rc.response().end(body.toBuffer());
    });
  }
}
