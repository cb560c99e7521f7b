package io.tidegate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidegate.config.GatewayConfig;
import io.tidegate.dev.TestStack;
import io.tidegate.kafka.KafkaClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production example an operator copies: it loads, keeps its secrets out of the file and the
 * log, Kafka really reads the SASL line from the credential file, and it agrees with the systemd
 * unit and the container image about paths and entry point.
 */
class ProductionConfigTest {

  private static final Path CONFIG_DIR = TestStack.repoConfig().toAbsolutePath().normalize().getParent();
  private static final Path PRODUCTION = CONFIG_DIR.resolve("production.yaml");
  private static final Path UNIT = CONFIG_DIR.resolve("systemd").resolve("tidegate.service");
  private static final String CREDENTIAL_DIR = "/run/credentials/tidegate.service/";

  @TempDir
  Path tmp;

  @Test
  void theProductionExampleLoadsAndTakesItsSecretsFromTheEnvironment() {
    GatewayConfig c = ConfigLoader.load(PRODUCTION, Map.of("TIDEGATE_POSTGRES_PASSWORD", "pg-s3cr3t",
        "TIDEGATE_KAFKA_BOOTSTRAP_SERVERS", "k1:9093,k2:9093,k3:9093"));
    assertEquals("0.0.0.0", c.http().host());
    assertEquals("k1:9093,k2:9093,k3:9093", c.kafka().bootstrapServers());
    assertEquals("pg-s3cr3t", c.postgres().password());
    assertTrue(c.throttling().file().startsWith("/etc/tidegate/"), c.throttling().file());
    assertTrue(c.channels().size() >= 2);

    Map<String, String> producer = KafkaClients.producer(c.kafka());
    assertEquals("SASL_SSL", producer.get("security.protocol"));
    assertEquals("all", producer.get("acks"), "the example must not weaken durability");
    assertEquals("true", producer.get("enable.idempotence"));

    String described = ConfigLoader.describe(c);
    assertFalse(described.contains("pg-s3cr3t"), described);
    assertFalse(described.contains("ScramLoginModule"), described);
  }

  @Test
  void noSecretIsWrittenInTheFile() throws Exception {
    String text = Files.readString(PRODUCTION);
    assertFalse(text.matches("(?s).*password=\"[^.\"]+\";.*"), "a SASL password in production.yaml");
    assertTrue(text.contains("password: \"\""), "the PostgreSQL password must come from the environment");
    assertFalse(text.contains("sha256:489cce1e"), "the dev webshop key hash must not be in the production example");
  }

  @Test
  void kafkaReadsTheSaslLineFromTheCredentialFile() throws Exception {
    Path credential = tmp.resolve("kafka-client.properties");
    String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"tidegate\""
        + " password=\"kafka-s3cr3t\";";
    Files.writeString(credential, "sasl.jaas.config=" + jaas + "\n");
    GatewayConfig c = ConfigLoader.load(PRODUCTION, Map.of());
    Map<String, Object> props = new HashMap<>(KafkaClients.producer(c.kafka()));
    String reference = (String) props.get("sasl.jaas.config");
    assertTrue(reference.contains(CREDENTIAL_DIR + "kafka-client.properties"), reference);
    props.put("sasl.jaas.config", reference.replace(CREDENTIAL_DIR + "kafka-client.properties", credential.toString()));

    ProducerConfig resolved = new ProducerConfig(props);
    assertEquals(jaas, resolved.getPassword("sasl.jaas.config").value());
  }

  @Test
  void theSystemdUnitMatchesTheConfigurationPathsAndCoversTheShutdown() throws Exception {
    String unit = Files.readString(UNIT);
    String production = Files.readString(PRODUCTION);
    Matcher credential = Pattern.compile("(?m)^LoadCredential=([^:]+):(\\S+)$").matcher(unit);
    assertTrue(credential.find(), "LoadCredential= missing");
    assertTrue(production.contains(CREDENTIAL_DIR + credential.group(1)),
        "production.yaml must read the credential the unit loads: " + credential.group(1));
    assertTrue(unit.contains("--config /etc/tidegate/tidegate.yaml"), "ExecStart must name /etc/tidegate/tidegate.yaml");
    assertTrue(unit.contains("io.tidegate.gateway.Main"), "ExecStart must start " + Main.class.getName());
    assertTrue(unit.matches("(?s).*\\nUser=tidegate\\n.*"), "a dedicated user");
    Matcher stop = Pattern.compile("(?m)^TimeoutStopSec=(\\d+)$").matcher(unit);
    assertTrue(stop.find(), "TimeoutStopSec= missing");
    // Main.stop waits the drain period plus up to 30 s for the graceful stop; systemd must not
    // SIGKILL before that.
    Matcher drain = Pattern.compile("(?m)^  shutdownDrainSeconds: (\\d+)").matcher(production);
    assertTrue(drain.find(), "production.yaml sets http.shutdownDrainSeconds");
    assertTrue(Integer.parseInt(stop.group(1)) > Integer.parseInt(drain.group(1)) + 30,
        "TimeoutStopSec=" + stop.group(1) + " with a drain of " + drain.group(1) + " s");
    assertTrue(unit.contains("SuccessExitStatus=143"), "a JVM stopped by SIGTERM exits 143, which is a clean stop");
  }

  @Test
  void theImageStartsTheGatewayMainWithTheProductionExample() throws Exception {
    String pom = Files.readString(CONFIG_DIR.getParent().resolve("gateway").resolve("pom.xml"));
    Matcher main = Pattern.compile("<mainClass>([^<]+)</mainClass>").matcher(pom);
    assertTrue(main.find(), "no <mainClass> in the jib configuration");
    assertEquals(Main.class.getName(), main.group(1));
    assertTrue(pom.contains("<TIDEGATE_CONFIG>/app/config/production.yaml</TIDEGATE_CONFIG>"), "image config path");
    assertTrue(Files.isRegularFile(PRODUCTION));
  }
}
