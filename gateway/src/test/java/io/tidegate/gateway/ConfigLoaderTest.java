package io.tidegate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidegate.config.ConfigException;
import io.tidegate.config.GatewayConfig;
import io.tidegate.dev.TestStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir
  Path tmp;

  @Test
  void theRepositoryConfigLoadsWithTheDevelopmentDefaults() {
    GatewayConfig c = ConfigLoader.load(TestStack.repoConfig(), Map.of());
    assertEquals(8080, c.http().port());
    assertEquals("127.0.0.1:9092", c.kafka().bootstrapServers());
    assertEquals(5432, c.postgres().port());
    assertEquals("tidegate", c.postgres().database());
    assertEquals(262_144, c.http().bodyLimitBytes());
    assertEquals(2, c.channels().size());
  }

  @Test
  void environmentVariablesOverrideTheFile() {
    GatewayConfig c = ConfigLoader.load(TestStack.repoConfig(),
        Map.of("TIDEGATE_HTTP_PORT", "9999", "TIDEGATE_KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092"));
    assertEquals(9999, c.http().port());
    assertEquals("k1:9092,k2:9092", c.kafka().bootstrapServers());
  }

  @Test
  void aMistypedVariableIsNamedWithTheSettingItProbablyMeant() {
    try (io.tidegate.dev.LogCapture log = io.tidegate.dev.LogCapture.of(ConfigLoader.class.getName())) {
      GatewayConfig c = ConfigLoader.load(TestStack.repoConfig(), Map.of("TIDEGATE_HTTP_PROT", "9999",
          "TIDEGATE_CHANNELS_WEBSHOP_LOCATION_PRIORITY", "DC2", "TIDEGATE_POSTGRES_PASSWORD_FILE", "/dev/null",
          "TIDEGATE_LOG_FORMAT", "json", "TIDEGATE_DEV_DIR", "/tmp/x", "TIDEGATE_SERVICE_HOST", "10.0.0.1",
          "TIDEGATE_THROTTLING_FILE", TestStack.repoConfig().getParent().resolve("throttles.yaml").toString()));
      assertEquals(8080, c.http().port());
      List<String> lines = log.lines();
      assertEquals(2, lines.size(), "only the two that set nothing: " + lines);
      assertTrue(lines.get(0).contains("TIDEGATE_CHANNELS_WEBSHOP_LOCATION_PRIORITY sets nothing")
          && lines.get(0).contains("only in the file"), lines.get(0));
      assertTrue(lines.get(1).contains("TIDEGATE_HTTP_PROT sets nothing and is ignored; did you mean TIDEGATE_HTTP_PORT?"),
          lines.get(1));
    }
  }

  @Test
  void aFileThatIsNotYamlIsReportedWithTheLineAndColumn() {
    ConfigException e = assertThrows(ConfigException.class, () -> load("http:\n  port: 8080\n bad: [1, 2\n"));
    assertTrue(e.getMessage().contains("overlay.yaml' is not valid YAML at line 3, column"), e.getMessage());
  }

  @Test
  void aBadValueNamesTheKeyTheValueAndWhatWasExpected() throws IOException {
    ConfigException e = assertThrows(ConfigException.class, () -> load("http:\n  port: 70000\n"));
    assertTrue(e.getMessage().contains("http.port"), e.getMessage());
    assertTrue(e.getMessage().contains("70000"), e.getMessage());
    assertTrue(e.getMessage().contains("0 to 65535"), e.getMessage());

    ConfigException notANumber = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(TestStack.repoConfig(), Map.of("TIDEGATE_ATP_STALE_AFTER_SECONDS", "soon")));
    assertTrue(notANumber.getMessage().contains("atp.staleAfterSeconds") && notANumber.getMessage().contains("soon"),
        notANumber.getMessage());
  }

  @Test
  void pricingSettingsComeFromTheFileWithCustomerGroupsAsAFreeMap() throws IOException {
    GatewayConfig repo = ConfigLoader.load(TestStack.repoConfig(), Map.of());
    assertEquals(900, repo.pricing().quoteValiditySeconds());
    assertEquals(Map.of("C-GOLD-1", "GOLD"), repo.pricing().customerGroups());
    GatewayConfig own = load("pricing:\n  quoteValiditySeconds: 60\n  customerGroups:\n    C-7: SILVER\n");
    assertEquals(60, own.pricing().quoteValiditySeconds());
    assertEquals(Map.of("C-7", "SILVER"), own.pricing().customerGroups());
    ConfigException e = assertThrows(ConfigException.class, () -> load("pricing:\n  maxQuoteLines: 500\n"));
    assertTrue(e.getMessage().contains("pricing.maxQuoteLines") && e.getMessage().contains("500"), e.getMessage());
  }

  @Test
  void anUnknownKeyIsRejectedRatherThanIgnored() {
    ConfigException e = assertThrows(ConfigException.class, () -> load("http:\n  prot: 8080\n"));
    assertTrue(e.getMessage().contains("http.prot"), e.getMessage());
  }

  @Test
  void aPlainTextApiKeyInsteadOfAHashIsRejectedWithoutEchoingIt() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> load("channels:\n  shop:\n    apiKeyHashes: [my-very-secret-plain-key]\n"));
    assertTrue(e.getMessage().contains("channels.shop.apiKeyHashes"), e.getMessage());
    assertFalse(e.getMessage().contains("my-very-secret-plain-key"), e.getMessage());
  }

  @Test
  void brokenYamlAndMissingFilesFailClearly() throws IOException {
    ConfigException yaml = assertThrows(ConfigException.class, () -> load("http: [unclosed\n"));
    assertTrue(yaml.getMessage().contains("not valid YAML"), yaml.getMessage());
    ConfigException missing = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(tmp.resolve("nope.yaml"), Map.of()));
    assertTrue(missing.getMessage().contains("nope.yaml"), missing.getMessage());
  }

  @Test
  void theStartUpDescriptionMasksSecrets() throws IOException {
    Path file = tmp.resolve("c.yaml");
    Files.writeString(file, Files.readString(TestStack.repoConfig())
        .replace("properties: {}", "properties:\n    sasl.jaas.config: \"user=x password=hunter2\""));
    String described = ConfigLoader.describe(ConfigLoader.load(file,
        Map.of("TIDEGATE_POSTGRES_PASSWORD", "s3cr3t-pw")));
    assertFalse(described.contains("s3cr3t-pw"), described);
    assertFalse(described.contains("hunter2"), described);
    assertTrue(described.contains("****"), described);
  }

  @Test
  void theDescriptionMasksUrlCredentialsAndShowsNoKeyHashOrKeyContent() throws IOException {
    Path key = Files.writeString(tmp.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nKEY-CONTENT\n-----END PRIVATE KEY-----\n");
    Path cert = Files.writeString(tmp.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n");
    Path jwks = Files.writeString(tmp.resolve("jwks.json"), "{\"keys\":[]}");
    GatewayConfig c = ConfigLoader.load(TestStack.repoConfig(), Map.of(
        "TIDEGATE_ERP_BASE_URL", "https://erp-user:erp-pw-123@erp.example.test/api?apikey=erp-key-456",
        "TIDEGATE_JWT_ENABLED", "true", "TIDEGATE_JWT_ISSUER", "https://idp.example.test/",
        "TIDEGATE_JWT_AUDIENCE", "tidegate", "TIDEGATE_JWT_KEY_FILE", jwks.toString(),
        "TIDEGATE_JWT_JWKS_URL", "https://idp.example.test/jwks?token=jwks-token-789",
        "TIDEGATE_HTTP_TLS_CERT_PATH", cert.toString(), "TIDEGATE_HTTP_TLS_KEY_PATH", key.toString()));
    String described = ConfigLoader.describe(c);
    for (String secret : new String[] {"erp-pw-123", "erp-user", "erp-key-456", "jwks-token-789", "KEY-CONTENT",
        "df76ff79", "489cce1e", "7a50e8e3"}) {
      assertFalse(described.contains(secret), secret + " in " + described);
    }
    assertTrue(described.contains(key.toString()), "the key's path (not its content) is shown: " + described);
    assertTrue(described.contains("https://****@erp.example.test/api?****"), described);
  }

  @Test
  void aSecretMayComeFromAFileNamedByTheEnvironment() throws IOException {
    Path secret = Files.writeString(tmp.resolve("pw"), "from-a-file\n");
    assertEquals("from-a-file", ConfigLoader.load(TestStack.repoConfig(),
        Map.of("TIDEGATE_POSTGRES_PASSWORD_FILE", secret.toString())).postgres().password());
    assertEquals("env-wins", ConfigLoader.load(TestStack.repoConfig(), Map.of("TIDEGATE_POSTGRES_PASSWORD", "env-wins",
        "TIDEGATE_POSTGRES_PASSWORD_FILE", secret.toString())).postgres().password());
    ConfigException missing = assertThrows(ConfigException.class, () -> ConfigLoader.load(TestStack.repoConfig(),
        Map.of("TIDEGATE_POSTGRES_PASSWORD_FILE", tmp.resolve("nope").toString())));
    assertTrue(missing.getMessage().contains("TIDEGATE_POSTGRES_PASSWORD_FILE"), missing.getMessage());
  }

  @Test
  void securitySettingsAreValidatedWithTheKeyNamed() throws IOException {
    ConfigException halfTls = assertThrows(ConfigException.class, () -> ConfigLoader.load(TestStack.repoConfig(),
        Map.of("TIDEGATE_HTTP_TLS_CERT_PATH", tmp.toString())));
    assertTrue(halfTls.getMessage().contains("http.tls.keyPath"), halfTls.getMessage());
    ConfigException noFile = assertThrows(ConfigException.class, () -> ConfigLoader.load(TestStack.repoConfig(),
        Map.of("TIDEGATE_HTTP_TLS_CERT_PATH", tmp.resolve("no.pem").toString(),
            "TIDEGATE_HTTP_TLS_KEY_PATH", tmp.resolve("no-key.pem").toString())));
    assertTrue(noFile.getMessage().contains("http.tls.certPath"), noFile.getMessage());
    ConfigException samePort = assertThrows(ConfigException.class, () -> ConfigLoader.load(TestStack.repoConfig(),
        Map.of("TIDEGATE_ADMIN_PORT", "8080")));
    assertTrue(samePort.getMessage().contains("admin.port"), samePort.getMessage());
    ConfigException noIssuer = assertThrows(ConfigException.class, () -> ConfigLoader.load(TestStack.repoConfig(),
        Map.of("TIDEGATE_JWT_ENABLED", "true", "TIDEGATE_JWT_JWKS_URL", "https://idp.example.test/jwks")));
    assertTrue(noIssuer.getMessage().contains("jwt.issuer"), noIssuer.getMessage());
    ConfigException noKeys = assertThrows(ConfigException.class, () -> ConfigLoader.load(TestStack.repoConfig(),
        Map.of("TIDEGATE_JWT_ENABLED", "true", "TIDEGATE_JWT_ISSUER", "i", "TIDEGATE_JWT_AUDIENCE", "a")));
    assertTrue(noKeys.getMessage().contains("jwt.jwksUrl"), noKeys.getMessage());
    ConfigException hmac = assertThrows(ConfigException.class, () -> ConfigLoader.load(TestStack.repoConfig(),
        Map.of("TIDEGATE_JWT_KEY_FILE_ALGORITHM", "HS256")));
    assertTrue(hmac.getMessage().contains("jwt.keyFileAlgorithm"), hmac.getMessage());
    ConfigException cap = assertThrows(ConfigException.class, () -> ConfigLoader.load(TestStack.repoConfig(),
        Map.of("TIDEGATE_HTTP_MAX_CONNECTIONS", "0")));
    assertTrue(cap.getMessage().contains("http.maxConnections"), cap.getMessage());
  }

  @Test
  void aJwtChannelNeedsNoApiKeyButEveryOtherChannelDoes() throws IOException {
    GatewayConfig c = load("channels:\n  partner:\n    allowJwt: true\n  shop:\n    apiKeyHashes: [sha256:"
        + "a".repeat(64) + "]\nadmin:\n  apiKeyHashes: [sha256:" + "b".repeat(64) + "]\n");
    assertTrue(c.channel("partner").orElseThrow().allowJwt());
    assertTrue(c.channel("partner").orElseThrow().apiKeyHashes().isEmpty());
    ConfigException e = assertThrows(ConfigException.class, () -> load("channels:\n  partner:\n    allowJwt: false\n"));
    assertTrue(e.getMessage().contains("channels.partner.apiKeyHashes"), e.getMessage());
  }

  @Test
  void environmentNamesFollowTheKeyPath() {
    assertEquals("TIDEGATE_KAFKA_BOOTSTRAP_SERVERS", ConfigLoader.envName("kafka.bootstrapServers"));
    assertEquals("TIDEGATE_HTTP_PORT", ConfigLoader.envName("http.port"));
  }

  private GatewayConfig load(String overlay) throws IOException {
    Path file = tmp.resolve("overlay.yaml");
    Files.writeString(file, overlay + (overlay.contains("channels") ? "" : channels()));
    return ConfigLoader.load(file, Map.of());
  }

  private static String channels() {
    return "channels:\n  shop:\n    apiKeyHashes: [sha256:" + "a".repeat(64) + "]\n"
        + "admin:\n  apiKeyHashes: [sha256:" + "b".repeat(64) + "]\n";
  }
}
