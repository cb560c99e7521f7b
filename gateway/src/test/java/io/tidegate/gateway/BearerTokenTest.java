package io.tidegate.gateway;

import static io.tidegate.gateway.GatewayHttpTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidegate.dev.Eventually;
import io.tidegate.dev.Http;
import io.tidegate.dev.Http.Answer;
import io.tidegate.dev.LogCapture;
import io.tidegate.dev.TestStack;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/**
 * OAuth2 bearer tokens through the real HTTP server. The test is its own identity provider: it
 * makes RSA key pairs, serves their JWKS over HTTP (the gateway fetches it at start-up and again
 * when a token names a key it does not know) and signs tokens. The webshop accepts tokens, the
 * marketplace does not. Every bad token is a 401 problem+json, never a 5xx; API keys keep working.
 */
class BearerTokenTest {

  private static final String ISSUER = "https://idp.example.test/";
  private static final String AUDIENCE = "tidegate-api";
  private static final String WEBSHOP = "dev-webshop-key";
  private static final String JWKS_SECRET = "jwks-query-secret-4711";
  private static final String KAFKA_SECRET = "kafka-secret-0815";

  @TempDir
  static Path dir;
  private static Vertx idp;
  private static HttpServer jwksServer;
  private static final List<JsonObject> published = new CopyOnWriteArrayList<>();
  private static final AtomicInteger fetches = new AtomicInteger();
  private static KeyPair key1;
  private static JWTAuth signer1;
  private static GatewayApp app;
  private static Http http;
  private static String startupLog;

  @BeforeAll
  static void start() throws Exception {
    idp = Vertx.vertx();
    key1 = rsa();
    signer1 = signer(key1, "k1");
    published.add(jwk(key1, "k1"));
    jwksServer = idp.createHttpServer().requestHandler(request -> {
      fetches.incrementAndGet();
      request.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("keys", new JsonArray(List.copyOf(published))).encode());
    }).listen(0, "127.0.0.1").await();
    Path config = dir.resolve("tidegate.yaml");
    Files.writeString(config, Files.readString(TestStack.repoConfig())
        .replace("    atpPolicy: reject ", "    allowJwt: true\n    atpPolicy: reject ")
        .replace("properties: {}", "properties:\n    ssl.key.password: " + KAFKA_SECRET));
    Map<String, String> env = new HashMap<>(TestStack.get().env());
    // The database password from a file (container secrets) rather than the environment.
    env.put("TIDEGATE_POSTGRES_PASSWORD_FILE", Files.writeString(dir.resolve("pg-password"),
        env.remove("TIDEGATE_POSTGRES_PASSWORD") + "\n").toString());
    env.put("TIDEGATE_JWT_ENABLED", "true");
    env.put("TIDEGATE_JWT_ISSUER", ISSUER);
    env.put("TIDEGATE_JWT_AUDIENCE", AUDIENCE);
    env.put("TIDEGATE_JWT_LEEWAY_SECONDS", "0");
    env.put("TIDEGATE_JWT_JWKS_URL", "http://127.0.0.1:" + jwksServer.actualPort() + "/jwks?access=" + JWKS_SECRET);
    try (LogCapture all = LogCapture.of(Logger.ROOT_LOGGER_NAME)) {
      app = GatewayApp.start(ConfigLoader.load(config, env)).await();
      startupLog = all.all();
    }
    http = new Http(app.port());
    RunningGateway.awaitReady(http);
  }

  @AfterAll
  static void stop() {
    app.stop().await();
    idp.close().await();
  }

  @Test
  void aValidTokenAuthenticatesItsChannelAndApiKeysKeepWorking() {
    String token = signer1.generateToken(claims("webshop"), options(60));
    assertProblem(http.get("/v1/atp/SKU-JWT-NONE", "Authorization", "Bearer " + token), 404, "NOT_FOUND");
    // The channel is the claim's: a quote made with the token is the webshop's, not the marketplace's.
    Answer quote = http.post("/v1/prices:quote", "application/json",
        "{\"currency\":\"EUR\",\"lines\":[{\"sku\":\"SKU-JWT-1\",\"quantity\":1}]}", "Authorization", "bearer " + token);
    assertEquals(201, quote.status(), quote.body());
    String location = quote.header("Location");
    assertEquals(200, http.get(location, "X-Api-Key", WEBSHOP).status());
    assertProblem(http.get(location, "X-Api-Key", "dev-marketplace-key"), 404, "NOT_FOUND");
    assertProblem(http.get("/v1/atp/SKU-JWT-NONE", "X-Api-Key", WEBSHOP), 404, "NOT_FOUND");
  }

  @Test
  void expiredWrongIssuerWrongAudienceAndForeignKeysAre401() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    assertRefused(signer1.generateToken(claims("webshop").put("exp", now - 5), options(0)));
    assertRefused(signer1.generateToken(claims("webshop"), options(60).setIssuer("https://evil.example.test/")));
    assertRefused(signer1.generateToken(claims("webshop"), options(60).setAudience(List.of("another-api"))));
    assertRefused(signer1.generateToken(claims("webshop").put("nbf", now + 600), options(60)));
    assertRefused(signer1.generateToken(claims("webshop"), options(0)));
    // Signed by a key the provider never published, under the published key id.
    assertRefused(signer(rsa(), "k1").generateToken(claims("webshop"), options(60)));
  }

  @Test
  void aChannelClaimThatIsUnknownNotAllowedMissingOrNotAStringIs401() {
    assertRefused(signer1.generateToken(claims("nobody"), options(60)));
    assertRefused(signer1.generateToken(claims("marketplace"), options(60)));
    assertRefused(signer1.generateToken(claims("webshop").put("channel", new JsonArray().add("webshop")), options(60)));
    JsonObject noChannel = claims("webshop");
    noChannel.remove("channel");
    assertRefused(signer1.generateToken(noChannel, options(60)));
  }

  @Test
  void unsignedAndAlgorithmConfusedTokensAre401() throws Exception {
    String claims = b64(claims("webshop").put("iss", ISSUER).put("aud", AUDIENCE)
        .put("exp", System.currentTimeMillis() / 1000 + 60).encode());
    String none = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
    assertRefused(none + "." + claims);
    assertRefused(none + "." + claims + ".");
    assertRefused(none + "." + claims + ".c2lnbmF0dXJl");
    // HS256 with the provider's public key as the HMAC secret: the classic confusion attack.
    JWTAuth confused = JWTAuth.create(idp, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("HS256").setBuffer(pem("PUBLIC KEY", key1.getPublic().getEncoded()))));
    assertRefused(confused.generateToken(claims("webshop"), options(60).setAlgorithm("HS256")));
  }

  @Test
  void malformedTokensAndAmbiguousCredentialsAre401NeverA5xx() {
    String valid = signer1.generateToken(claims("webshop"), options(60));
    String[] payload = valid.split("\\.");
    for (String token : new String[] {"abc", "a.b.c", "a.b.c.d", "...", "%%%.%%%.%%%", "x".repeat(9000),
        b64("[1,2]") + "." + b64("{}") + ".x", b64("{\"alg\":\"RS256\"}") + "." + b64("not json") + ".x",
        payload[0] + "." + b64(claims("webshop").put("exp", "soon").encode()) + "." + payload[2],
        payload[0] + "." + b64(claims("webshop").put("exp", 9e18).put("aud", 42).encode()) + "." + payload[2],
        payload[0] + "." + payload[1] + "." + payload[2].substring(3)}) {
      assertRefused(token);
    }
    Answer both = http.get("/v1/atp/SKU-JWT-NONE", "Authorization", "Bearer " + valid, "X-Api-Key", WEBSHOP);
    assertProblem(both, 401, "UNAUTHORIZED");
    // A non-bearer Authorization header is not a credential here: the API key decides.
    assertProblem(http.get("/v1/atp/SKU-JWT-NONE", "Authorization", "Basic dXNlcjpwdw=="), 401, "UNAUTHORIZED");
  }

  @Test
  void aKeyRotatedInAtTheProviderIsPickedUpWhenATokenNamesIt() throws Exception {
    KeyPair key2 = rsa();
    String token = signer(key2, "k2").generateToken(claims("webshop"), options(120));
    int before = fetches.get();
    published.add(jwk(key2, "k2"));
    // The first use of an unknown key id is refused and makes the gateway fetch the JWKS again.
    assertRefused(token);
    Eventually.await(Duration.ofSeconds(20), "token signed with the rotated-in key accepted",
        () -> http.get("/v1/atp/SKU-JWT-NONE", "Authorization", "Bearer " + token).status(), s -> s == 404);
    assertTrue(fetches.get() > before, "the JWKS was not fetched again");
  }

  @Test
  void theStartUpLogShowsNeitherSecretsNorKeyHashes() {
    assertTrue(startupLog.contains("configuration:"), startupLog);
    assertFalse(startupLog.contains(JWKS_SECRET), "JWKS URL query leaked");
    assertFalse(startupLog.contains(KAFKA_SECRET), "Kafka client secret leaked");
    assertTrue(startupLog.contains("password=****"), startupLog);
    assertFalse(startupLog.contains("password=" + TestStack.get().postgres().password()), "database password leaked");
    assertFalse(startupLog.contains("df76ff796f70d2c9cb055ea6280553caa27eda26b70e01082c160de75a05a4a9"),
        "admin key hash leaked");
    assertFalse(startupLog.contains("489cce1e8f90f970944cb694394200bfe6370d042e536805acf391115db52a56"),
        "channel key hash leaked");
  }

  private static void assertRefused(String token) {
    Answer a = http.get("/v1/atp/SKU-JWT-NONE", "Authorization", "Bearer " + token);
    assertProblem(a, 401, "UNAUTHORIZED");
    assertTrue(a.header("WWW-Authenticate").startsWith("Bearer "), a.header("WWW-Authenticate"));
  }

  private static JsonObject claims(String channel) {
    return new JsonObject().put("sub", "partner-7").put("channel", channel);
  }

  private static JWTOptions options(int expiresInSeconds) {
    return new JWTOptions().setAlgorithm("RS256").setIssuer(ISSUER).setAudience(List.of(AUDIENCE))
        .setExpiresInSeconds(expiresInSeconds);
  }

  private static KeyPair rsa() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static JWTAuth signer(KeyPair keys, String kid) {
    return JWTAuth.create(idp, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256")
        .setId(kid).setBuffer(pem("PRIVATE KEY", keys.getPrivate().getEncoded()))));
  }

  private static JsonObject jwk(KeyPair keys, String kid) {
    RSAPublicKey rsa = (RSAPublicKey) keys.getPublic();
    return new JsonObject().put("kty", "RSA").put("kid", kid).put("alg", "RS256").put("use", "sig")
        .put("n", b64(unsigned(rsa.getModulus()))).put("e", b64(unsigned(rsa.getPublicExponent())));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static String b64(String text) {
    return b64(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }
}
