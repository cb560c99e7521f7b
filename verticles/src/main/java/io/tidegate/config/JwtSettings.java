package io.tidegate.config;

import java.util.List;

/**
 * OAuth2 bearer tokens (JWT) for channels that opt in ({@code channels.<name>.allowJwt}). A token is
 * accepted when its signature verifies against one of the configured public keys, {@code iss} equals
 * {@link #issuer}, {@code aud} contains {@link #audience}, it carries {@code exp} and has not expired
 * (nor is it used before {@code nbf}), within {@link #leewaySeconds}; the channel is the string in
 * the {@link #channelClaim} claim. Only asymmetric algorithms are accepted: a shared secret would put
 * a signing key into the gateway's configuration, and {@code alg: none} is never accepted.
 *
 * @param jwksUrl            the identity provider's JWKS document, fetched at start-up and every
 *                           {@link #jwksRefreshSeconds}; empty for none
 * @param keyFile            a JWKS document or a PEM public key / certificate on disk (offline setups);
 *                           empty for none
 * @param keyFileAlgorithm   the algorithm of a PEM {@link #keyFile} (a JWKS names its own)
 */
public record JwtSettings(boolean enabled, String issuer, String audience, String channelClaim, String jwksUrl,
                          int jwksRefreshSeconds, String keyFile, String keyFileAlgorithm, int leewaySeconds) {

  /** The asymmetric JWS algorithms vertx-auth-jwt verifies. */
  public static final List<String> ALGORITHMS = List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
      "ES256", "ES384", "ES512", "EdDSA");

  public JwtSettings {
    issuer = trim(issuer);
    audience = trim(audience);
    channelClaim = trim(channelClaim);
    jwksUrl = trim(jwksUrl);
    keyFile = trim(keyFile);
    keyFileAlgorithm = trim(keyFileAlgorithm);
    Check.range("jwt.jwksRefreshSeconds", jwksRefreshSeconds, 10, 86_400);
    Check.range("jwt.leewaySeconds", leewaySeconds, 0, 300);
    if (!ALGORITHMS.contains(keyFileAlgorithm)) {
      throw ConfigException.invalid("jwt.keyFileAlgorithm", keyFileAlgorithm, "one of " + String.join(", ", ALGORITHMS));
    }
    if (enabled) {
      Check.notBlank("jwt.issuer", issuer);
      Check.notBlank("jwt.audience", audience);
      Check.notBlank("jwt.channelClaim", channelClaim);
      if (jwksUrl.isEmpty() && keyFile.isEmpty()) {
        throw ConfigException.invalid("jwt.jwksUrl", "", "the identity provider's JWKS URL, or a jwt.keyFile,"
            + " when jwt.enabled is true");
      }
      if (!jwksUrl.isEmpty() && !jwksUrl.matches("https?://[^\\s]+")) {
        throw ConfigException.invalid("jwt.jwksUrl", Secrets.maskUrl(jwksUrl), "an http(s) URL");
      }
      if (!keyFile.isEmpty()) {
        TlsSettings.readable("jwt.keyFile", keyFile);
      }
    }
  }

  public static JwtSettings disabled() {
    return new JwtSettings(false, "", "", "channel", "", 300, "", "RS256", 30);
  }

  private static String trim(String s) {
    return s == null ? "" : s.trim();
  }

  @Override
  public String toString() {
    return "JwtSettings[enabled=" + enabled + ", issuer=" + issuer + ", audience=" + audience + ", channelClaim="
        + channelClaim + ", jwksUrl=" + Secrets.maskUrl(jwksUrl) + ", jwksRefreshSeconds=" + jwksRefreshSeconds
        + ", keyFile=" + keyFile + ", keyFileAlgorithm=" + keyFileAlgorithm + ", leewaySeconds=" + leewaySeconds + "]";
  }
}
