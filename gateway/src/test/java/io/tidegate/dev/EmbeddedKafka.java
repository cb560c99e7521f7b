package io.tidegate.dev;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft, combined broker+controller) running inside this JVM.
 *
 * <p>Layout of {@code dataDir}: {@code cluster.id} (the cluster id, written once) and
 * {@code logs/} (Kafka's log dir, holding both the metadata log and the topic data). A dir
 * that is already formatted is reused as is, so topics and records survive a restart, also
 * after the JVM was killed with SIGKILL (Kafka recovers its logs on the next start).
 *
 * <p>Only 127.0.0.1 is listened on. Not thread-safe; one instance per data dir at a time
 * (Kafka holds a lock file in the log dir).
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    /** System property: start timeout in seconds for EmbeddedKafka and EmbeddedPostgres (default 60). */
    static final String TIMEOUT_PROPERTY = "tidegate.dev.startTimeoutSeconds";
    private static final long STOP_TIMEOUT_MS = 15_000;
    private static final String HOST = "127.0.0.1";

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path dataDir;
    private final int brokerPort;
    private final int controllerPort;
    private volatile boolean closed;

    private EmbeddedKafka(KafkaRaftServer server, Path dataDir, int brokerPort, int controllerPort) {
        this.server = server;
        this.dataDir = dataDir;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.bootstrapServers = HOST + ":" + brokerPort;
    }

    /**
     * Starts a broker+controller on {@code dataDir}, formatting it the first time.
     *
     * @param brokerPort     client port on 127.0.0.1; 0 picks a free port
     * @param controllerPort KRaft controller port on 127.0.0.1; 0 picks a free port
     * @throws IllegalStateException if Kafka cannot be formatted/started or does not answer within 60 s
     *                               (system property {@value #TIMEOUT_PROPERTY} changes that)
     */
    public static EmbeddedKafka start(Path dataDir, int brokerPort, int controllerPort) {
        long t0 = System.nanoTime();
        quietKafkaLogging();
        guardJvmExit();
        Path abs = dataDir.toAbsolutePath().normalize();
        Path logDir = abs.resolve("logs");
        int bPort = brokerPort == 0 ? freePort() : brokerPort;
        int cPort = controllerPort == 0 ? freePort(bPort) : controllerPort;
        if (bPort == cPort) {
            throw new IllegalArgumentException("broker and controller port must differ: " + bPort);
        }
        KafkaConfig config = KafkaConfig.fromProps(serverProps(logDir, bPort, cPort), false);
        KafkaRaftServer server;
        try {
            Files.createDirectories(logDir);
            formatIfNeeded(abs, logDir);
            server = new KafkaRaftServer(config, Time.SYSTEM);
        } catch (Exception e) {
            throw new IllegalStateException("Kafka failed to start on data dir " + abs
                    + " (broker port " + bPort + ", controller port " + cPort + "): " + e, e);
        }
        EmbeddedKafka kafka = new EmbeddedKafka(server, abs, bPort, cPort);
        // KafkaRaftServer.startup() blocks with its own (long) timeouts: bound it here.
        CompletableFuture<Void> startup = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                server.startup();
                startup.complete(null);
            } catch (Throwable t) {
                startup.completeExceptionally(t);
            }
        }, "embedded-kafka-startup");
        starter.setDaemon(true);
        starter.start();
        try {
            startup.get(Math.max(1, startTimeoutMs() - (System.nanoTime() - t0) / 1_000_000), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            kafka.close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("Kafka failed to start on data dir " + abs + " (broker port " + bPort
                    + ", controller port " + cPort + "): " + (e instanceof TimeoutException
                    ? "not started within " + startTimeoutMs() / 1000 + " s (set -D" + TIMEOUT_PROPERTY
                    + "=<seconds> on a slow machine)" : String.valueOf(cause)), cause);
        }
        try {
            kafka.awaitReady(t0);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        LOG.info("Kafka ready at {} (data {}) in {} ms", kafka.bootstrapServers, abs,
                (System.nanoTime() - t0) / 1_000_000);
        return kafka;
    }

    /** {@code 127.0.0.1:<brokerPort>}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    public int brokerPort() {
        return brokerPort;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * Creates a topic with replication factor 1; an existing topic of that name is accepted as is
     * (its partition count and cleanup policy are not checked or changed).
     */
    public void createTopic(String name, int partitions, boolean compacted) {
        NewTopic topic = new NewTopic(name, partitions, (short) 1);
        if (compacted) {
            topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        try (Admin admin = admin()) {
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return;
            }
            throw new IllegalStateException("creating topic " + name + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating topic " + name + " timed out after 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
    }

    /** Shuts the broker and controller down; returns within about 15 s even if Kafka hangs. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        Thread stopper = new Thread(() -> {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (Throwable t) {
                LOG.warn("Kafka shutdown failed", t);
            }
        }, "embedded-kafka-shutdown");
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(STOP_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopper.isAlive()) {
            LOG.warn("Kafka on {} did not shut down within {} ms; leaving it behind", dataDir, STOP_TIMEOUT_MS);
        } else {
            LOG.info("Kafka stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
        }
    }

    // ------------------------------------------------------------------------------------------

    private Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return Admin.create(p);
    }

    private void awaitReady(long t0) {
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(startTimeoutMs());
        Throwable last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException e) {
                    last = e.getCause();
                } catch (TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Kafka", e);
                }
                sleep(100);
            }
        }
        throw new IllegalStateException("Kafka at " + bootstrapServers + " (data " + dataDir
                + ") did not answer describeCluster within " + startTimeoutMs() / 1000 + " s"
                + (last == null ? "" : "; last error: " + last), last);
    }

    private static Properties serverProps(Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // single node
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        // small footprint on a 2-core dev box
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        p.put("log.cleaner.backoff.ms", "5000");
        // After an unclean stop (kill -9) the restarted broker can only re-register once the old
        // registration's session expired (default 9 s). 6 s shortens that restart while leaving room
        // for a busy 2-core machine: at 2.5 s the controller fenced a live broker under load.
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("broker.session.timeout.ms", "6000");
        return p;
    }

    private static void formatIfNeeded(Path dataDir, Path logDir) throws Exception {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return; // formatted before: reuse
        }
        // No meta.properties: never formatted, or a format that died half-way. Nothing in it can
        // be valid Kafka data, so start from an empty dir.
        try (Stream<Path> s = Files.list(logDir)) {
            if (s.findAny().isPresent()) {
                LOG.warn("Kafka log dir {} has no meta.properties; wiping and reformatting", logDir);
                deleteContents(logDir);
            }
        }
        Path idFile = dataDir.resolve("cluster.id");
        String clusterId;
        if (Files.exists(idFile)) {
            clusterId = Files.readString(idFile, StandardCharsets.UTF_8).trim();
        } else {
            clusterId = Uuid.randomUuid().toString();
            Files.writeString(idFile, clusterId + "\n", StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(ps)
                    .setNodeId(1)
                    .setClusterId(clusterId)
                    .setUnstableFeatureVersionsEnabled(false)
                    .setIgnoreFormatted(true)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(logDir.toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("formatting Kafka storage in " + logDir + " failed: " + e
                    + (out.size() > 0 ? "; output: " + out.toString(StandardCharsets.UTF_8) : ""), e);
        }
        LOG.info("Formatted Kafka storage {} with cluster id {}", logDir, clusterId);
    }

    private static void deleteContents(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted((a, b) -> b.getNameCount() - a.getNameCount())
                    .filter(p -> !p.equals(dir))
                    .forEach(p -> {
                        try {
                            Files.delete(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        }
    }

    /**
     * Kafka calls Exit.exit/halt on fatal faults, which would kill the whole dev/test JVM. Turn
     * those into exceptions plus an error log instead (same as Kafka's own test harness).
     */
    private static void guardJvmExit() {
        Exit.setExitProcedure((code, msg) -> {
            LOG.error("Kafka requested System.exit({}): {}", code, msg);
            throw new IllegalStateException("Kafka requested exit(" + code + "): " + msg);
        });
        Exit.setHaltProcedure((code, msg) -> {
            LOG.error("Kafka requested Runtime.halt({}): {}", code, msg);
            throw new IllegalStateException("Kafka requested halt(" + code + "): " + msg);
        });
    }

    /**
     * Kafka logs a lot at INFO. Set its loggers to WARN unless the logback config already set a
     * level for them (so a project logback-test.xml still wins).
     */
    private static void quietKafkaLogging() {
        try {
            for (String name : List.of("kafka", "org.apache.kafka", "state.change.logger",
                    "org.apache.zookeeper")) {
                org.slf4j.Logger l = LoggerFactory.getLogger(name);
                if (l instanceof ch.qos.logback.classic.Logger) {
                    ch.qos.logback.classic.Logger lb = (ch.qos.logback.classic.Logger) l;
                    if (lb.getLevel() == null) {
                        lb.setLevel(ch.qos.logback.classic.Level.WARN);
                    }
                }
            }
        } catch (NoClassDefFoundError ignored) {
            // logback not on the classpath: leave logging alone
        }
    }

    static long startTimeoutMs() {
        return Long.getLong(TIMEOUT_PROPERTY, 60) * 1000;
    }

    static int freePort(int... avoid) {
        for (int i = 0; i < 20; i++) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
                int port = s.getLocalPort();
                boolean clash = false;
                for (int a : avoid) {
                    clash |= a == port;
                }
                if (!clash) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port on " + HOST, e);
            }
        }
        throw new IllegalStateException("cannot find a free port on " + HOST);
    }

    /** The poll interval of a start/stop loop that has its own deadline. */
    private static void sleep(long ms) {
        java.util.concurrent.locks.LockSupport.parkNanos(ms * 1_000_000L);
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
