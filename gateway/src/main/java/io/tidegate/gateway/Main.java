package io.tidegate.gateway;

import io.tidegate.config.ConfigException;
import io.tidegate.config.GatewayConfig;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Production entry point: connects to the Kafka and PostgreSQL named in the configuration.
 * {@code java -jar tidegate-gateway.jar [--config config/tidegate.yaml]}. SIGTERM drains and stops.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) throws InterruptedException {
    GatewayConfig config;
    try {
      config = ConfigLoader.load(ConfigLoader.locate(args, System.getenv()), System.getenv());
    } catch (ConfigException e) {
      System.err.println("tidegate: " + e.getMessage());
      System.exit(2);
      return;
    }
    GatewayApp app = run(config);
    int drain = config.http().shutdownDrainSeconds();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(app, drain), "tidegate-shutdown"));
  }

  /** Starts the gateway and blocks until it is up; exits the process with a message if it cannot. */
  static GatewayApp run(GatewayConfig config) throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    GatewayApp[] app = new GatewayApp[1];
    GatewayApp.start(config).onComplete(ar -> {
      if (ar.succeeded()) {
        app[0] = ar.result();
      } else {
        LOG.error("tidegate could not start: {}", ar.cause().getMessage());
      }
      started.countDown();
    });
    started.await();
    if (app[0] == null) {
      System.exit(1);
    }
    return app[0];
  }

  static void stop(GatewayApp app, int drainSeconds) {
    CountDownLatch stopped = new CountDownLatch(1);
    app.stop().onComplete(ar -> stopped.countDown());
    try {
      if (!stopped.await(drainSeconds + 30L, TimeUnit.SECONDS)) {
        LOG.warn("shutdown did not finish within {} s", drainSeconds + 30);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
