package io.tidegate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidegate.config.JwtSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bearer-token verification from key files (the offline set-up; the JWKS URL and the HTTP answers
 * are covered in the gateway's BearerTokenTest): a PEM public key and a JWKS document are used, a
 * file with no usable key or with a private key fails start-up without echoing the file.
 */
class BearerTokensTest {

  private static final String ISSUER = "https://idp.example.test/";
  private static final String AUDIENCE = "tidegate";

  @TempDir
  static Path dir;
  private static Vertx vertx;
  private static KeyPair keys;
  private static JWTAuth signer;

  @BeforeAll
  static void setUp() throws Exception {
    vertx = Vertx.vertx();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    keys = generator.generateKeyPair();
    signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256")
        .setId("k1").setBuffer(pem("PRIVATE KEY", keys.getPrivate().getEncoded()))));
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  @Test
  void aPemPublicKeyFileVerifiesTokensAndNamesTheChannel() throws Exception {
    Path file = Files.writeString(dir.resolve("key.pem"), pem("PUBLIC KEY", keys.getPublic().getEncoded()));
    BearerTokens tokens = started(file);
    assertEquals(new Channel("webshop"), tokens.verify(token("webshop")).await());
    assertUnauthorized(tokens.verify(token("marketplace")));
    tokens.stop();
  }

  @Test
  void aJwksFileVerifiesTokensAndIgnoresSymmetricKeys() throws Exception {
    RSAPublicKey rsa = (RSAPublicKey) keys.getPublic();
    JsonObject jwks = new JsonObject().put("keys", new JsonArray()
        .add(new JsonObject().put("kty", "oct").put("k", b64(new byte[32])).put("alg", "HS256"))
        .add(new JsonObject().put("kty", "RSA").put("kid", "k1").put("alg", "RS256").put("use", "sig")
            .put("n", b64(unsigned(rsa.getModulus()))).put("e", b64(unsigned(rsa.getPublicExponent())))));
    BearerTokens tokens = started(Files.writeString(dir.resolve("jwks.json"), jwks.encode()));
    assertEquals(new Channel("webshop"), tokens.verify(token("webshop")).await());
    // An HS256 token "signed" with an all-zero secret (the oct key above) is refused: HMAC is never accepted.
    JWTAuth hmac = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("HS256").setBuffer(io.vertx.core.buffer.Buffer.buffer(new byte[32]))));
    assertUnauthorized(tokens.verify(hmac.generateToken(claims("webshop"), new JWTOptions().setAlgorithm("HS256")
        .setExpiresInSeconds(60))));
    tokens.stop();
  }

  @Test
  void aKeyFileWithoutAUsableKeyFailsStartUpWithoutEchoingIt() throws Exception {
    for (String content : List.of("NOT-A-KEY-SECRET-MARKER", "{\"keys\":[{\"kty\":\"oct\",\"k\":\"SECRET-MARKER\"}]}",
        pem("PRIVATE KEY", keys.getPrivate().getEncoded()))) {
      Path file = Files.writeString(dir.resolve("bad-" + content.hashCode()), content);
      BearerTokens tokens = new BearerTokens(vertx, settings(file), Set.of("webshop"), System::currentTimeMillis);
      Exception e = assertThrows(Exception.class, () -> tokens.start().await());
      assertTrue(e.getMessage().contains("jwt.keyFile"), e.getMessage());
      assertFalse(e.getMessage().contains("SECRET-MARKER") || e.getMessage().contains("MII"), e.getMessage());
      assertFalse(tokens.ready());
      tokens.stop();
    }
  }

  private static BearerTokens started(Path keyFile) {
    BearerTokens tokens = new BearerTokens(vertx, settings(keyFile), Set.of("webshop"), System::currentTimeMillis);
    tokens.start().await();
    assertTrue(tokens.ready());
    return tokens;
  }

  private static JwtSettings settings(Path keyFile) {
    return new JwtSettings(true, ISSUER, AUDIENCE, "channel", "", 300, keyFile.toString(), "RS256", 0);
  }

  private static String token(String channel) {
    return signer.generateToken(claims(channel), new JWTOptions().setAlgorithm("RS256").setIssuer(ISSUER)
        .setAudience(List.of(AUDIENCE)).setExpiresInSeconds(60));
  }

  private static JsonObject claims(String channel) {
    return new JsonObject().put("sub", "partner-1").put("channel", channel).put("iss", ISSUER).put("aud", AUDIENCE);
  }

  private static void assertUnauthorized(Future<Channel> verified) {
    Exception e = assertThrows(Exception.class, verified::await);
    assertInstanceOf(ApiFailure.Unauthorized.class, e, e.toString());
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }
}
