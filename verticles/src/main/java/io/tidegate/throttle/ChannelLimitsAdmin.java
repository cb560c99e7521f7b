package io.tidegate.throttle;

import io.tidegate.config.ConfigException;
import io.tidegate.http.ApiFailure;
import io.tidegate.http.CorrelationId;
import io.tidegate.http.Responses;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API over channel limits: list, read and replace (atomically, validated first). Every
 * replacement is written to the audit log ({@code tidegate.audit}) with what changed and the
 * operator's correlation id.
 */
public final class ChannelLimitsAdmin {

  private static final Logger AUDIT = LoggerFactory.getLogger("tidegate.audit");

  private final Throttles throttles;

  public ChannelLimitsAdmin(Throttles throttles) {
    this.throttles = throttles;
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
      JsonArray policies = rc.body().asJsonObject().getJsonArray("policies");
      JsonObject before = throttles.limits(channel).map(ChannelLimits::toJson).orElse(null);
      ChannelLimits now;
      try {
        now = throttles.replaceChannelPolicies(channel, policies);
      } catch (NoSuchElementException e) {
        rc.fail(new ApiFailure.NotFound("No channel '" + channel + "'"));
        return;
      } catch (ConfigException e) {
        rc.fail(new ApiFailure.ValidationFailed("/policies", e.getMessage()));
        return;
      }
      AUDIT.info("AUDIT admin replaced limits of channel {}: before={} after={} correlationId={}", channel, before,
          now.toJson(), CorrelationId.of(rc));
      Responses.json(rc, 200, now.toJson().toBuffer());
    };
  }
}
