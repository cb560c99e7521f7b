package io.tidegate.loadtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seconds-long Gatling smoke run of the CI build (issue 7): starts the embedded dev stack exactly
 * as {@code gateway/bin/tidegate-dev} does (a child JVM running {@code io.tidegate.dev.DevStack} on
 * free ports, with its own data folder), waits for it to be ready, then runs
 * {@link SmokeSimulation} in a second child JVM through Gatling's own launcher, as
 * {@code mvn -pl load-tests gatling:test} would, and requires Gatling's exit status 0: every
 * operation of the contract answered as the simulation's checks and assertions demand. The report
 * is left in {@code load-tests/target/gatling-smoke}.
 *
 * <p>It needs the gateway module built first ({@code mvn verify} from the top does that): it reads
 * the gateway's test classpath from {@code gateway/target/dev.classpath}.
 */
class GatlingSmokeTest {

  private static final Pattern READY = Pattern.compile("Tidegate is ready after [0-9.]+ s: (http://\\S+)");
  private static final long START_LIMIT_SECONDS = 240;
  private static final long GATLING_LIMIT_SECONDS = 240;

  private static Process devStack;
  private static final ConcurrentLinkedQueue<String> devOutput = new ConcurrentLinkedQueue<>();
  private static String baseUrl;

  @BeforeAll
  static void startDevStack() throws Exception {
    Path gateway = Path.of(System.getProperty("tidegate.gateway.dir", "../gateway")).toAbsolutePath().normalize();
    Path classpathFile = gateway.resolve("target/dev.classpath");
    assertTrue(Files.isReadable(classpathFile), classpathFile + " is missing: build the gateway module first "
        + "(mvn verify from the repository root builds every module in order)");
    String classpath = gateway.resolve("target/test-classes") + java.io.File.pathSeparator
        + gateway.resolve("target/classes") + java.io.File.pathSeparator + Files.readString(classpathFile).trim();
    Path data = Path.of("target/smoke-dev").toAbsolutePath();
    int kafka = freePortPair();
    ProcessBuilder pb = new ProcessBuilder(java(), "-Xmx1g", "-cp", classpath, "io.tidegate.dev.DevStack", "--fresh")
        .directory(gateway.getParent().toFile())
        .redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("TIDEGATE_"));
    env.put("TIDEGATE_DEV_DIR", data.toString());
    env.put("TIDEGATE_HTTP_PORT", Integer.toString(freePort()));
    env.put("TIDEGATE_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + kafka);
    env.put("TIDEGATE_POSTGRES_PORT", Integer.toString(freePort()));
    env.put("TIDEGATE_ERP_BASE_URL", "http://127.0.0.1:" + freePort());
    devStack = pb.start();
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(devStack.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          devOutput.add(line);
          Matcher m = READY.matcher(line);
          if (m.find()) {
            ready.complete(m.group(1));
          }
        }
        ready.completeExceptionally(new IllegalStateException("the dev stack exited before it was ready"));
      } catch (IOException e) {
        ready.completeExceptionally(e);
      }
    }, "dev-stack-output");
    reader.setDaemon(true);
    reader.start();
    try {
      baseUrl = ready.get(START_LIMIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("dev stack not ready within " + START_LIMIT_SECONDS + " s (" + e + "); its output:\n"
          + tail(devOutput, 60), e);
    }
  }

  @AfterAll
  static void stopDevStack() throws Exception {
    if (devStack != null) {
      devStack.destroy(); // SIGTERM: the dev stack's shutdown hook stops the gateway, ERP, Kafka, PostgreSQL
      if (!devStack.waitFor(60, TimeUnit.SECONDS)) {
        devStack.descendants().forEach(ProcessHandle::destroyForcibly);
        devStack.destroyForcibly();
      }
    }
  }

  @Test
  void theSmokeSimulationPassesAgainstTheDevStack() throws Exception {
    Path results = Path.of("target/gatling-smoke").toAbsolutePath();
    List<String> command = new ArrayList<>(List.of(java(), "-Xmx512m",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", // as gatling-maven-plugin starts Gatling
        "-Djava.util.prefs.userRoot=" + Path.of("target/prefs").toAbsolutePath(),
        "-DbaseUrl=" + baseUrl, "-Dusers=2", "-Diterations=2", "-DmaxDurationSeconds=120",
        "-cp", testClasspath(), "io.gatling.app.Gatling",
        "--simulation", SmokeSimulation.class.getName(),
        "--results-folder", results.toString()));
    Process gatling = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> output = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(gatling.getInputStream(),
        StandardCharsets.UTF_8))) {
      CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> in.lines().forEach(output::add));
      if (!gatling.waitFor(GATLING_LIMIT_SECONDS, TimeUnit.SECONDS)) {
        gatling.destroyForcibly();
        throw new AssertionError("Gatling did not finish within " + GATLING_LIMIT_SECONDS + " s");
      }
      drained.get(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String log = String.join("\n", output);
    assertEquals(0, gatling.exitValue(), "Gatling's exit status (2 = assertions failed); its output:\n" + log
        + "\n--- dev stack output:\n" + tail(devOutput, 40));
    assertTrue(Pattern.compile("Global: count of failed events is 0(\\.0)? : true").matcher(log).find(),
        "the zero-failure assertion was evaluated and held:\n" + log);
  }

  private static String testClasspath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A free port whose successor is free too (the dev stack's broker uses port and port + 1). */
  private static int freePortPair() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = freePort();
      if (port < 65_535) {
        try (ServerSocket next = new ServerSocket(port + 1)) {
          return port;
        } catch (IOException taken) {
          // try another
        }
      }
    }
    throw new IOException("no two adjacent free ports found");
  }

  private static String tail(java.util.Collection<String> lines, int n) {
    List<String> all = new ArrayList<>(lines);
    return String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()));
  }
}
