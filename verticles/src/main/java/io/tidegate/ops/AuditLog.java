package io.tidegate.ops;

import io.tidegate.http.ApiKeyAuth;
import io.tidegate.http.CorrelationId;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail of administrative changes: logger {@code tidegate.audit}, one JSON object per
 * change (or refused attempt) after the word {@code AUDIT}:
 * {@code at} (UTC), {@code who} (the admin key's fingerprint, never the key; or the file for a
 * reload), {@code remote} address, {@code correlationId}, {@code action}, {@code target},
 * {@code outcome}, and {@code before}/{@code after} where they are cheap to have. Route the logger to
 * its own appender to keep the trail apart from the application log.
 */
public final class AuditLog {

  private static final Logger AUDIT = LoggerFactory.getLogger("tidegate.audit");

  /** Who asked for a change, and which request it was. */
  public record Actor(String who, String remote, String correlationId) {

    /** The authenticated operator of an /admin request. */
    public static Actor of(RoutingContext rc) {
      return new Actor(ApiKeyAuth.admin(rc), rc.request().remoteAddress() == null ? null
          : rc.request().remoteAddress().hostAddress(), CorrelationId.of(rc));
    }

    /** A change that came from a file rather than a request. */
    public static Actor file(String path) {
      return new Actor("file:" + path, null, null);
    }
  }

  private final Clock clock;

  public AuditLog(Clock clock) {
    this.clock = clock;
  }

  /**
   * @param outcome what happened: {@code applied}, {@code rejected}, {@code not-found}, ...
   * @param before  the state before, or null when unknown or not cheap
   * @param after   the state after (or what was asked for when refused), or null
   */
  public void record(Actor actor, String action, String target, String outcome, Object before, Object after) {
    JsonObject entry = new JsonObject()
        .put("at", clock.instant().toString())
        .put("who", actor.who())
        .put("remote", actor.remote())
        .put("correlationId", actor.correlationId())
        .put("action", action)
        .put("target", target)
        .put("outcome", outcome);
    if (before != null) {
      entry.put("before", before);
    }
    if (after != null) {
      entry.put("after", after);
    }
    AUDIT.info("AUDIT {}", entry.encode());
  }
}
