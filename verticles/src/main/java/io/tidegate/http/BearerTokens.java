package io.tidegate.http;

import io.tidegate.config.JwtSettings;
import io.tidegate.config.Secrets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies OAuth2 bearer tokens (JWT) and names the channel they speak for.
 *
 * <p>The public keys come from the identity provider's JWKS URL (fetched at start-up and every
 * {@code jwt.jwksRefreshSeconds}; a failed fetch keeps the keys in force and is retried sooner)
 * and/or a JWKS or PEM file. A token naming a key id that is not known triggers an early refresh,
 * so a key rotated in at the provider is picked up without waiting a whole period. Verification
 * itself is vertx-auth-jwt's ({@link JWTAuth}), rebuilt whole and swapped when the key set changes.
 *
 * <p>Before a token reaches it, this class checks what vertx-auth-jwt leaves open or could trip on:
 * the header's {@code alg} must be one of {@link JwtSettings#ALGORITHMS} (never {@code none}, never
 * an HMAC whose "secret" could be a public key), {@code exp} must be present, and the claims it
 * reads must have their JSON types. Every failure is a 401 (never a 500); when no key is loaded at
 * all, bearer tokens get 503 DEPENDENCY_UNAVAILABLE, because the token may be fine. A provider with
 * no usable key would accept unsigned tokens, so a key set is only put in force after it has
 * refused an unsigned probe token.
 */
public final class BearerTokens {

  private static final Logger LOG = LoggerFactory.getLogger(BearerTokens.class);
  private static final String CHALLENGE = "Bearer realm=\"tidegate\", error=\"invalid_token\"";
  private static final int MAX_TOKEN_CHARS = 8192;
  private static final int MAX_JWKS_BYTES = 1024 * 1024;
  private static final long RETRY_MS = 10_000;
  private static final long MIN_EARLY_REFRESH_MS = 30_000;
  private static final Set<String> KEY_TYPES = Set.of("RSA", "EC", "OKP");

  private final Vertx vertx;
  private final JwtSettings settings;
  private final Set<String> channels;
  private final LongSupplier clock;
  private final WebClient client;
  private final AtomicLong lastEarlyRefresh = new AtomicLong();
  private volatile JWTAuth verifier;
  private volatile List<Object> urlKeys = List.of();
  private volatile String keySetFingerprint = "";
  private long timerId = -1;
  private boolean stopped;

  /**
   * @param channels the channels that accept bearer tokens ({@code allowJwt}); a token naming any
   *                 other, configured or not, is refused
   * @param clock    wall-clock milliseconds, for {@code exp}/{@code nbf}
   */
  public BearerTokens(Vertx vertx, JwtSettings settings, Set<String> channels, LongSupplier clock) {
    this.vertx = vertx;
    this.settings = settings;
    this.channels = Set.copyOf(channels);
    this.clock = clock;
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5000).setFollowRedirects(false)
        .setUserAgent("tidegate"));
  }

  /**
   * Loads the keys once. A key file that cannot be used fails start-up; a JWKS URL that cannot be
   * fetched does not (API keys keep working): it is logged and retried every 10 s.
   */
  public Future<Void> start() {
    return loadKeys(true).onSuccess(complete -> schedule(complete && verifier != null
            ? settings.jwksRefreshSeconds() * 1000L : RETRY_MS))
        .mapEmpty();
  }

  public void stop() {
    stopped = true;
    vertx.cancelTimer(timerId);
    client.close();
  }

  /** True once a key set is in force. */
  public boolean ready() {
    return verifier != null;
  }

  /** The channel the token speaks for, or a failed future with the {@link ApiFailure} to answer. */
  public Future<Channel> verify(String token) {
    JWTAuth current = verifier;
    if (current == null) {
      return Future.failedFuture(new ApiFailure.DependencyUnavailable(
          "The keys to verify bearer tokens are not loaded yet; retry, or use an API key", 5));
    }
    JsonObject claims;
    try {
      claims = precheck(token);
    } catch (RuntimeException e) {
      return Future.failedFuture(invalid("The bearer token is malformed", e.getMessage()));
    }
    long nowSeconds = clock.getAsLong() / 1000;
    if (claims.getLong("exp") + settings.leewaySeconds() <= nowSeconds) {
      return Future.failedFuture(invalid("The bearer token has expired", "exp in the past"));
    }
    // Future.future fails the future should vertx-auth-jwt throw instead of failing its own.
    return Future.<io.vertx.ext.auth.User>future(p -> current.authenticate(new TokenCredentials(token)).onComplete(p))
        .recover(e -> {
          if (e instanceof NoSuchKeyIdException) {
            refreshEarly();
          }
          return Future.failedFuture(invalid("The bearer token is not valid (signature, issuer, audience or time)",
              String.valueOf(e.getMessage())));
        })
        .compose(user -> channelOf(claims));
  }

  private Future<Channel> channelOf(JsonObject claims) {
    Object channel = claims.getValue(settings.channelClaim());
    if (channel instanceof String name && channels.contains(name)) {
      return Future.succeededFuture(new Channel(name));
    }
    return Future.failedFuture(invalid("The bearer token's '" + settings.channelClaim()
        + "' claim names no channel that accepts bearer tokens", "channel claim " + typeOf(channel)));
  }

  /**
   * The token's claims, after the checks vertx-auth-jwt does not make (or would throw on): three
   * segments with a signature, an allowed asymmetric {@code alg}, a numeric {@code exp}, and claim
   * types it reads without checking.
   */
  private JsonObject precheck(String token) {
    if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
      throw new IllegalArgumentException("length " + token.length());
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || parts[2].isEmpty()) {
      throw new IllegalArgumentException("not a signed compact JWS");
    }
    JsonObject header = segment(parts[0]);
    Object alg = header.getValue("alg");
    if (!(alg instanceof String name) || !JwtSettings.ALGORITHMS.contains(name)) {
      throw new IllegalArgumentException("alg " + alg + " not accepted");
    }
    JsonObject claims = segment(parts[1]);
    if (!(claims.getValue("exp") instanceof Number)) {
      throw new IllegalArgumentException("no numeric exp");
    }
    for (String numeric : List.of("nbf", "iat")) {
      if (claims.containsKey(numeric) && !(claims.getValue(numeric) instanceof Number)) {
        throw new IllegalArgumentException(numeric + " is not a number");
      }
    }
    Object iss = claims.getValue("iss");
    Object aud = claims.getValue("aud");
    if (!(iss instanceof String) || !(aud instanceof String || aud instanceof JsonArray)) {
      throw new IllegalArgumentException("iss or aud missing or of the wrong type");
    }
    return claims;
  }

  private static JsonObject segment(String base64url) {
    return new JsonObject(Buffer.buffer(Base64.getUrlDecoder().decode(base64url)));
  }

  private static ApiFailure.Unauthorized invalid(String detail, String reason) {
    LOG.debug("bearer token refused: {} ({})", detail, reason);
    return new ApiFailure.Unauthorized(detail, CHALLENGE);
  }

  private static String typeOf(Object value) {
    return value == null ? "missing" : value instanceof String ? "names an unknown or non-JWT channel"
        : "is a " + value.getClass().getSimpleName();
  }

  private void schedule(long delayMs) {
    if (stopped) {
      return;
    }
    timerId = vertx.setTimer(delayMs, id -> loadKeys(false)
        .onComplete(ar -> schedule(ar.succeeded() && ar.result() && verifier != null
            ? settings.jwksRefreshSeconds() * 1000L : RETRY_MS)));
  }

  /** A token named a key id we do not have: fetch the JWKS now, at most every 30 s. */
  private void refreshEarly() {
    long now = clock.getAsLong();
    long last = lastEarlyRefresh.get();
    if (!settings.jwksUrl().isEmpty() && now - last >= MIN_EARLY_REFRESH_MS && lastEarlyRefresh.compareAndSet(last, now)) {
      vertx.runOnContext(v -> loadKeys(false));
    }
  }

  /**
   * Reads the key file and fetches the JWKS URL, then puts the resulting key set in force if it
   * changed. A failed fetch keeps the last fetched keys. The future tells whether everything could
   * be read (else the next attempt comes sooner); it fails only for an unusable key file at start-up.
   */
  private Future<Boolean> loadKeys(boolean startup) {
    Future<List<Object>> fromFile = settings.keyFile().isEmpty() ? Future.succeededFuture(List.of())
        : vertx.fileSystem().readFile(settings.keyFile()).map(this::parseKeyFile)
        .recover(e -> Future.failedFuture(new IllegalStateException("jwt.keyFile '" + settings.keyFile()
            + "' is not a usable JWKS document or PEM public key / certificate (" + e.getClass().getSimpleName() + ")")));
    Future<Boolean> fromUrl = settings.jwksUrl().isEmpty() ? Future.succeededFuture(true) : fetchJwks()
        .map(keys -> {
          urlKeys = keys;
          return true;
        })
        .otherwise(e -> {
          LOG.warn("JWKS {} could not be fetched{}: {}", Secrets.maskUrl(settings.jwksUrl()),
              verifier == null ? " (bearer tokens are refused until it can)" : " (the keys in force stay)",
              e.getMessage());
          return false;
        });
    return fromUrl.compose(fetched -> fromFile.compose(fileKeys -> {
      List<Object> keys = new ArrayList<>(fileKeys);
      keys.addAll(urlKeys);
      return install(keys, startup && settings.jwksUrl().isEmpty()).map(fetched);
    }, e -> {
      LOG.error("{}", e.getMessage());
      return startup ? Future.failedFuture(e) : Future.succeededFuture(false);
    }));
  }

  private Future<List<Object>> fetchJwks() {
    return client.getAbs(settings.jwksUrl()).timeout(5000).send().map(response -> {
      if (response.statusCode() != 200) {
        throw new IllegalStateException("HTTP " + response.statusCode());
      }
      Buffer body = response.body();
      if (body == null || body.length() > MAX_JWKS_BYTES) {
        throw new IllegalStateException("empty or larger than " + MAX_JWKS_BYTES + " bytes");
      }
      return jwks(new JsonObject(body));
    });
  }

  /** A JWKS document ({@code {"keys":[...]}}) or a PEM public key / certificate. */
  private List<Object> parseKeyFile(Buffer content) {
    String text = content.toString(StandardCharsets.UTF_8).trim();
    if (text.startsWith("{")) {
      return jwks(new JsonObject(text));
    }
    if (!text.startsWith("-----BEGIN ") || text.contains("PRIVATE KEY")) {
      throw new IllegalArgumentException("neither a JWKS document nor a PEM public key or certificate");
    }
    return List.of(new PubSecKeyOptions().setAlgorithm(settings.keyFileAlgorithm()).setBuffer(text));
  }

  /** The signature keys of a JWKS document: asymmetric only, {@code use} absent or {@code sig}. */
  private static List<Object> jwks(JsonObject document) {
    JsonArray keys = document.getJsonArray("keys");
    if (keys == null) {
      throw new IllegalArgumentException("no 'keys' array");
    }
    List<Object> out = new ArrayList<>();
    for (Object key : keys) {
      if (key instanceof JsonObject jwk && KEY_TYPES.contains(jwk.getValue("kty"))
          && (jwk.getValue("use") == null || "sig".equals(jwk.getValue("use")))
          && (jwk.getValue("alg") == null || JwtSettings.ALGORITHMS.contains(jwk.getValue("alg")))) {
        out.add(jwk.copy());
      }
    }
    return out;
  }

  /**
   * Puts {@code keys} in force unless they are the set in force already or none of them is usable.
   *
   * @param failIfUnusable fail (start-up) rather than log when the keys are unusable
   */
  private Future<Void> install(List<Object> keys, boolean failIfUnusable) {
    String fingerprint = keys.stream().map(k -> k instanceof JsonObject j ? j.encode()
        : ((PubSecKeyOptions) k).toJson().encode()).sorted().toList().toString();
    if (keys.isEmpty() && failIfUnusable) {
      return Future.failedFuture(new IllegalStateException("jwt.keyFile '" + settings.keyFile()
          + "' holds no usable signature key (RSA, EC or OKP; use absent or sig)"));
    }
    if (keys.isEmpty() || fingerprint.equals(keySetFingerprint)) {
      return Future.succeededFuture();
    }
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions()
        .setIssuer(settings.issuer())
        .setAudience(List.of(settings.audience()))
        .setLeeway(settings.leewaySeconds()));
    for (Object key : keys) {
      if (key instanceof JsonObject jwk) {
        options.addJwk(jwk);
      } else {
        options.addPubSecKey((PubSecKeyOptions) key);
      }
    }
    return Future.<JWTAuth>future(p -> p.complete(JWTAuth.create(vertx, options)))
        .compose(candidate -> refusesUnsignedTokens(candidate).map(secure -> secure ? candidate : null))
        .otherwise(e -> null)
        .compose(candidate -> {
          if (candidate == null) {
            String problem = "none of the " + keys.size() + " configured JWT key(s) is a usable signature key";
            LOG.error("{}; {}", problem, verifier == null ? "bearer tokens are refused" : "the keys in force stay");
            return failIfUnusable ? Future.failedFuture(new IllegalStateException(problem)) : Future.succeededFuture();
          }
          verifier = candidate;
          keySetFingerprint = fingerprint;
          LOG.info("JWT verification keys in force: {}", keys.size());
          return Future.succeededFuture();
        });
  }

  /** vertx-auth-jwt without any usable key is in "unsecured" mode and accepts {@code alg: none}. */
  private Future<Boolean> refusesUnsignedTokens(JWTAuth candidate) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    JsonObject claims = new JsonObject().put("iss", settings.issuer()).put("aud", settings.audience())
        .put("exp", clock.getAsLong() / 1000 + 60).put(settings.channelClaim(), "probe");
    String unsigned = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    return Future.<io.vertx.ext.auth.User>future(p -> candidate.authenticate(new TokenCredentials(unsigned))
        .onComplete(p)).transform(ar -> Future.succeededFuture(ar.failed()));
  }
}
