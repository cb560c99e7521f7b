package io.tidegate.dev.erp;

import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the simulator standalone for manual use: options from {@code TIDEGATE_ERP_SIM_*}, status
 * events to Kafka at {@code TIDEGATE_KAFKA_BOOTSTRAP} (default {@code 127.0.0.1:9092}). Stops
 * cleanly on Ctrl-C / SIGTERM. Start-up fails fast on a bad variable.
 */
public final class ErpSimulatorMain {

  private static final Logger LOG = LoggerFactory.getLogger(ErpSimulatorMain.class);
  private static final long SHUTDOWN_TIMEOUT_SECONDS = 15;

  private ErpSimulatorMain() {
  }

  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    ErpSimulatorOptions options;
    try {
      options = ErpSimulatorOptions.fromEnv(env);
    } catch (IllegalArgumentException e) {
      System.err.println("ERP simulator: bad configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    String bootstrap = env.getOrDefault("TIDEGATE_KAFKA_BOOTSTRAP", "127.0.0.1:9092");
    Vertx vertx = Vertx.vertx();
    KafkaStatusSink sink = KafkaStatusSink.create(vertx, bootstrap);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(sink, vertx), "erp-simulator-shutdown"));
    ErpSimulator simulator;
    try {
      // main is not a Vert.x thread: waiting here keeps System.exit off the event loop
      simulator = ErpSimulator.start(vertx, options, sink).await();
    } catch (Exception e) {
      LOG.error("ERP simulator failed to start on {}:{}", options.host(), options.port(), e);
      System.exit(1);
      return;
    }
    LOG.info("ERP simulator ready on port {}, status events to {} at {}",
        simulator.actualPort(), KafkaStatusSink.TOPIC, bootstrap);
    // The stock side joins once the broker answers: this process may start before the broker
    // (load-tests/reconcile does), and must not wait for it to take orders.
    attachWarehouse(vertx, simulator, bootstrap);
  }

  private static void attachWarehouse(Vertx vertx, ErpSimulator simulator, String bootstrap) {
    FeedWarehouse.start(vertx, bootstrap)
        .onSuccess(warehouse -> {
          simulator.useWarehouse(warehouse);
          LOG.info("ERP simulator moves stock on the inventory feed");
        })
        .onFailure(e -> {
          LOG.info("inventory feed not reachable yet ({}); trying again in 5 s", e.toString());
          vertx.setTimer(5_000, id -> attachWarehouse(vertx, simulator, bootstrap));
        });
  }

  /** Closes producer and Vert.x, but never holds the JVM's exit for more than a bounded time. */
  private static void stop(KafkaStatusSink sink, Vertx vertx) {
    try {
      sink.close().eventually(vertx::close).await(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      LOG.warn("ERP simulator did not stop within {} s; exiting anyway", SHUTDOWN_TIMEOUT_SECONDS);
    }
  }
}
