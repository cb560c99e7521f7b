package io.tidegate.dev;

import io.tidegate.config.GatewayConfig;
import io.tidegate.gateway.ConfigLoader;
import io.tidegate.schemas.Topics;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The real broker and the real database for tests: started once per test JVM on free ports in a
 * temporary folder, with the contract's topics, and stopped when the JVM exits. Tests start their
 * own gateway on port 0 against it, configured from the repository's {@code config/tidegate.yaml}
 * with environment overrides — the same path an operator's configuration takes.
 */
public final class TestStack {

  private static TestStack instance;

  private final Path dir;
  private final EmbeddedKafka kafka;
  private final EmbeddedPostgres postgres;
  private final Producer<String, byte[]> producer;

  private TestStack() throws Exception {
    dir = Files.createTempDirectory("tidegate-test-");
    // PostgreSQL may run as another (unprivileged) user when the tests run as root.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    postgres = EmbeddedPostgres.start(dir.resolve("postgres"), 0, "tidegate");
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, 0);
    Topics.all().forEach(t -> kafka.createTopic(t.name(), t.partitions(), t.compacted()));
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("acks", "all");
    p.put("linger.ms", "0");
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "test-stack-shutdown"));
  }

  public static synchronized TestStack get() {
    if (instance == null) {
      try {
        instance = new TestStack();
      } catch (Exception e) {
        throw new IllegalStateException("could not start the test stack (Kafka + PostgreSQL): " + e.getMessage(), e);
      }
    }
    return instance;
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  public EmbeddedPostgres postgres() {
    return postgres;
  }

  /** A pool of up to 4 connections to this stack's database, for tests that use SQL directly. */
  public Pool pool(Vertx vertx) {
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(4))
        .connectingTo(new PgConnectOptions().setHost(postgres.host()).setPort(postgres.port())
            .setDatabase(postgres.database()).setUser(postgres.user()).setPassword(postgres.password()))
        .using(vertx).build();
  }

  public Producer<String, byte[]> producer() {
    return producer;
  }

  /** A port nothing listens on (it was free a moment ago): calls to it are refused at once. */
  private static final int NO_ERP_PORT = freePort();

  private static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Environment overrides that point the repository's configuration at this stack. */
  public Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("TIDEGATE_HTTP_PORT", "0");
    env.put("TIDEGATE_HTTP_INSTANCES", "1");
    env.put("TIDEGATE_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("TIDEGATE_POSTGRES_PORT", Integer.toString(postgres.port()));
    env.put("TIDEGATE_POSTGRES_USER", postgres.user());
    env.put("TIDEGATE_POSTGRES_PASSWORD", postgres.password());
    env.put("TIDEGATE_POSTGRES_DATABASE", postgres.database());
    env.put("TIDEGATE_ATP_LAG_CHECK_INTERVAL_MS", "200");
    // No ERP unless a test starts its own simulator: the configuration's 127.0.0.1:8090 may be a
    // dev stack's simulator, which must not get the tests' orders.
    env.put("TIDEGATE_ERP_BASE_URL", "http://127.0.0.1:" + NO_ERP_PORT);
    env.put("TIDEGATE_THROTTLING_FILE", repoConfig().toAbsolutePath().getParent().resolve("throttles.yaml").toString());
    return env;
  }

  public GatewayConfig config() {
    return config(Map.of());
  }

  public GatewayConfig config(Map<String, String> extraEnv) {
    Map<String, String> env = env();
    env.putAll(extraEnv);
    return ConfigLoader.load(repoConfig(), env);
  }

  public static Path repoConfig() {
    return Path.of(System.getProperty("tidegate.config", "../config/tidegate.yaml"));
  }

  private void close() {
    try {
      producer.close();
    } catch (RuntimeException ignored) {
      // best effort at JVM exit
    }
    try {
      kafka.close();
    } catch (Exception ignored) {
      // best effort at JVM exit
    }
    try {
      postgres.close();
    } catch (Exception ignored) {
      // best effort at JVM exit
    }
    try {
      DevStack.deleteRecursively(dir);
    } catch (Exception ignored) {
      // temp dir
    }
  }
}
