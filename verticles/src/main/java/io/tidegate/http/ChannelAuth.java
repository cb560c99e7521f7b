package io.tidegate.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates a /v1 request as a channel: by its {@code X-Api-Key}, or, when bearer tokens are on,
 * by {@code Authorization: Bearer <JWT>} for the channels that accept them. A request with both is
 * refused (which credential would count is not the client's guess to make). Every failure is a 401
 * before validation or any handler runs.
 */
public final class ChannelAuth implements Handler<RoutingContext> {

  private static final String BEARER = "bearer ";

  private final ApiKeyAuth<Channel> apiKeys;
  private final BearerTokens bearerTokens;

  /** @param bearerTokens null when bearer tokens are off ({@code jwt.enabled: false}) */
  public ChannelAuth(ApiKeys<Channel> keys, BearerTokens bearerTokens) {
    this.apiKeys = new ApiKeyAuth<>("X-Api-Key", keys);
    this.bearerTokens = bearerTokens;
  }

  @Override
  public void handle(RoutingContext rc) {
    String authorization = rc.request().getHeader("Authorization");
    if (bearerTokens == null || authorization == null || !isBearer(authorization)) {
      apiKeys.handle(rc);
      return;
    }
    if (rc.request().getHeader("X-Api-Key") != null) {
      rc.fail(new ApiFailure.Unauthorized("Send either X-Api-Key or a bearer token, not both"));
      return;
    }
    bearerTokens.verify(authorization.substring(BEARER.length()).trim())
        .onSuccess(channel -> {
          ApiKeyAuth.authenticated(rc, channel);
          rc.next();
        })
        .onFailure(rc::fail);
  }

  private static boolean isBearer(String authorization) {
    return authorization.regionMatches(true, 0, BEARER, 0, BEARER.length());
  }
}
