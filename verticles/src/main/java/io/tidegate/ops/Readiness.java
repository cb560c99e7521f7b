package io.tidegate.ops;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import io.tidegate.kafka.FeedStatus;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.sqlclient.Pool;

/**
 * What {@code /health/ready} checks: the broker answers, PostgreSQL answers (both reported, not
 * deciding: {@link #REPORTED_ONLY}), the ERP and Kafka-producer circuit breakers (reported, never
 * failing the probe), and the inventory, soft reservations and price read models have caught up
 * with their feeds at least once since start (before that, known SKUs would be reported as
 * unknown), and the instance is not shutting down (during the drain period of a
 * graceful stop it still serves requests but asks load balancers to stop routing to it). The
 * broker and the database are checked every second in the background ({@link BackgroundCheck}),
 * so the probe answers at once; a dependency that has not answered for 3 s is DOWN.
 */
public final class Readiness {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Readiness.class);

  /**
   * The checks reported in the answer but not deciding readiness (see {@link ReadinessHandler}):
   * shared dependencies, down for every instance at once.
   */
  public static final java.util.Set<String> REPORTED_ONLY = java.util.Set.of("kafka", "postgres");
  private static final long CHECK_TIMEOUT_MS = 3000;
  private static final long BACKGROUND_INTERVAL_MS = 1000;

  private Readiness() {
  }

  /** {@code brokers}, {@code dbAddress}: where they are, for the log lines when they stop or start answering. */
  public static HealthChecks create(Vertx vertx, KafkaAdminClient admin, String brokers, Pool pool, String dbAddress,
                                    FeedStatus inventory,
                                    FeedStatus prices, java.util.List<FeedStatus> reservationFeeds,
                                    Supplier<String> erpBreaker, Supplier<String> kafkaBreaker,
                                    Supplier<String> postgresBreaker, BooleanSupplier draining) {
    HealthChecks checks = HealthChecks.create(vertx);
    checks.register("lifecycle", CHECK_TIMEOUT_MS, promise -> promise.complete(draining.getAsBoolean()
        ? Status.KO(new JsonObject().put("reason", "shutting down")) : Status.OK()));
    // The broker and the database are checked in the background (BackgroundCheck), so the probe
    // answers at once even when one of them is dead, instead of after the check's time-out.
    BackgroundCheck<Integer> broker = BackgroundCheck.every(vertx, BACKGROUND_INTERVAL_MS, CHECK_TIMEOUT_MS,
        () -> admin.describeCluster().map(c -> c.getNodes().size()))
        .onChange(turned("Kafka at " + brokers, "ATP is served from what was read (flagged stale after "
            + "atp.staleAfterSeconds), orders get 503 with Retry-After"));
    BackgroundCheck<Void> database = BackgroundCheck.<Void>every(vertx, BACKGROUND_INTERVAL_MS, CHECK_TIMEOUT_MS,
        () -> pool.query("SELECT 1").execute().mapEmpty())
        .onChange(turned("PostgreSQL at " + dbAddress, "orders, quotes and order reads get 503 with Retry-After,"
            + " ATP is served"));
    // tryComplete: an answer that comes after the check's time-out has failed it is dropped (a
    // plain complete logged "Result is already complete" with a stack trace on every late answer).
    checks.register("kafka", CHECK_TIMEOUT_MS, promise -> broker.latest()
        .onSuccess(nodes -> promise.tryComplete(Status.OK(new JsonObject().put("brokers", nodes))))
        .onFailure(e -> promise.tryComplete(Status.KO(new JsonObject().put("reason", "broker unreachable")))));
    // The breaker in front of the requests' database work (StoreGuard) is reported with it.
    checks.register("postgres", CHECK_TIMEOUT_MS, promise -> database.latest()
        .onSuccess(r -> promise.tryComplete(Status.OK(breaker(postgresBreaker.get()))))
        .onFailure(e -> promise.tryComplete(Status.KO(breaker(postgresBreaker.get())
            .put("reason", "database unreachable")))));
    // The ERP being down does not make this instance unready: reads and order intake still work
    // (orders wait in Kafka). The breaker states are reported for operators and alerts.
    checks.register("erp", CHECK_TIMEOUT_MS, promise -> promise.complete(Status.OK(breaker(erpBreaker.get()))));
    checks.register("kafka-producer", CHECK_TIMEOUT_MS,
        promise -> promise.complete(Status.OK(breaker(kafkaBreaker.get()))));
    feed(checks, "inventory-feed", inventory);
    feed(checks, "price-feed", prices);
    // Soft reservations must be loaded before this instance takes orders, or it could oversell.
    checks.register("reservation-feeds", CHECK_TIMEOUT_MS, promise -> promise.complete(
        reservationFeeds.stream().allMatch(FeedStatus::everInSync) ? Status.OK()
            : Status.KO(new JsonObject().put("reason", "initial replay"))));
    return checks;
  }

  private static java.util.function.BiConsumer<Boolean, Throwable> turned(String dependency, String meanwhile) {
    return (up, cause) -> {
      if (up) {
        LOG.info("{} answers again", dependency);
      } else {
        LOG.warn("{} does not answer ({}); meanwhile {}", dependency, cause, meanwhile);
      }
    };
  }

  private static JsonObject breaker(String state) {
    return new JsonObject().put("breaker", state).put("degraded", !"closed".equals(state));
  }

  private static void feed(HealthChecks checks, String name, FeedStatus feed) {
    checks.register(name, CHECK_TIMEOUT_MS, promise -> {
      JsonObject data = new JsonObject().put("asOf", feed.asOfText()).put("stale", feed.stale());
      promise.complete(feed.everInSync() ? Status.OK(data) : Status.KO(data.put("reason", "initial replay")));
    });
  }
}
