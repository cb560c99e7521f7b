package io.tidegate.throttle;

import io.tidegate.config.ConfigException;
import io.tidegate.http.ApiFailure;
import io.tidegate.http.Responses;
import io.tidegate.ops.AuditLog;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.NoSuchElementException;
import java.util.TreeSet;

/**
 * The admin API over channel limits: list, read, replace (atomically, validated first) and reset
 * to the configuration's. Every replacement and reset, and every refused attempt, is written to
 * the audit log ({@link AuditLog}) with who, the limits before and after, and the operator's
 * correlation id.
 */
public final class ChannelLimitsAdmin {

  private final Throttles throttles;
  private final AuditLog audit;

  public ChannelLimitsAdmin(Throttles throttles, AuditLog audit) {
    this.throttles = throttles;
    this.audit = audit;
  }

  /** {@code GET /admin/channels}. */
  public Handler<RoutingContext> list() {
    return rc -> {
      JsonArray channels = new JsonArray();
      for (String name : new TreeSet<>(throttles.channels())) {
        channels.add(new JsonObject().put("channel", name).put("limits", throttles.limits(name).orElseThrow().toJson())
            .put("overridden", throttles.overridden(name)));
      }
      Responses.json(rc, 200, new JsonObject().put("channels", channels).toBuffer());
    };
  }

  /** {@code GET /admin/channels/{channel}/limits}. */
  public Handler<RoutingContext> get() {
    return rc -> {
      String channel = rc.pathParam("channel");
      throttles.limits(channel).ifPresentOrElse(
          limits -> Responses.json(rc, 200, limits.toJson().toBuffer()),
          () -> rc.fail(new ApiFailure.NotFound("No channel '" + channel + "'")));
    };
  }

  /** {@code PUT /admin/channels/{channel}/limits}. */
  public Handler<RoutingContext> replace() {
    return rc -> {
      String channel = rc.pathParam("channel");
      JsonObject update = rc.body().asJsonObject();
      JsonObject before = throttles.limits(channel).map(ChannelLimits::toJson).orElse(null);
      AuditLog.Actor actor = AuditLog.Actor.of(rc);
      String target = "channel/" + channel;
      ChannelLimits now;
      try {
        now = throttles.replaceChannelLimits(channel, update);
      } catch (NoSuchElementException e) {
        audit.record(actor, "limits.replace", target, "not-found", null, null);
        rc.fail(new ApiFailure.NotFound("No channel '" + channel + "'"));
        return;
      } catch (ConfigException e) {
        audit.record(actor, "limits.replace", target, "rejected", before, update);
        rc.fail(new ApiFailure.ValidationFailed(pointer(e.key()), e.getMessage()));
        return;
      }
      audit.record(actor, "limits.replace", target, "applied", before, now.toJson());
      Responses.json(rc, 200, now.toJson().toBuffer());
    };
  }

  /** The JSON pointer of a refused value's key: {@code policies[1].quota} is {@code /policies/1/quota}. */
  static String pointer(String key) {
    return key == null ? "" : "/" + key.replaceAll("\\[(\\d+)]", "/$1").replace('.', '/');
  }

  /** {@code DELETE /admin/channels/{channel}/limits}: back to the configuration's limits. */
  public Handler<RoutingContext> reset() {
    return rc -> {
      String channel = rc.pathParam("channel");
      AuditLog.Actor actor = AuditLog.Actor.of(rc);
      String target = "channel/" + channel;
      JsonObject before = throttles.limits(channel).map(ChannelLimits::toJson).orElse(null);
      boolean dropped;
      try {
        dropped = throttles.resetChannel(channel);
      } catch (NoSuchElementException e) {
        audit.record(actor, "limits.reset", target, "not-found", null, null);
        rc.fail(new ApiFailure.NotFound("No channel '" + channel + "'"));
        return;
      }
      ChannelLimits now = throttles.limits(channel).orElseThrow();
      audit.record(actor, "limits.reset", target, dropped ? "applied" : "unchanged", before, now.toJson());
      Responses.json(rc, 200, now.toJson().toBuffer());
    };
  }
}
