package io.tidegate.gateway;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidegate.kafka.FeedStatus;
import io.tidegate.atp.InventoryFeed;
import io.tidegate.atp.InventoryReadModel;
import io.tidegate.atp.ReservationBook;
import io.tidegate.config.ChannelSettings;
import io.tidegate.config.GatewayConfig;
import io.tidegate.config.PostgresSettings;
import io.tidegate.http.ApiContract;
import io.tidegate.http.ApiKeys;
import io.tidegate.http.Channel;
import io.tidegate.http.HttpServerVerticle;
import io.tidegate.kafka.CompactedFeedVerticle;
import io.tidegate.kafka.DeadLetters;
import io.tidegate.kafka.KafkaClients;
import io.tidegate.ops.Readiness;
import io.tidegate.pricing.PriceBook;
import io.tidegate.pricing.PriceRuleFeed;
import io.tidegate.pricing.PriceRuleHistory;
import io.tidegate.pricing.QuoteRepository;
import io.tidegate.schemas.OpenApi;
import io.tidegate.schemas.Topics;
import io.tidegate.schemas.events.EventCodec;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: one Vert.x instance with Prometheus metrics, one PostgreSQL pool, one Kafka
 * producer, the read models and their feed consumers, and one HTTP verticle per core. Everything is
 * created here and injected; nothing is static.
 */
public final class GatewayApp {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayApp.class);
  private static final int DB_ATTEMPTS = 30;
  private static final long DB_RETRY_MS = 2000;
  private static final long STOP_STEP_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final Pool pool;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaAdminClient admin;
  private final InventoryReadModel inventory = new InventoryReadModel();
  private final FeedStatus inventoryFeed;
  private final PriceBook prices = new PriceBook();
  private final FeedStatus priceFeed;
  private int port;

  private GatewayApp(Vertx vertx, GatewayConfig config) {
    this.vertx = vertx;
    this.pool = pool(vertx, config.postgres());
    this.producer = KafkaProducer.create(vertx, KafkaClients.producer(config.kafka()));
    this.admin = KafkaAdminClient.create(vertx, KafkaClients.admin(config.kafka()));
    this.inventoryFeed = new FeedStatus(config.atp().staleAfterSeconds() * 1000L, System::currentTimeMillis);
    this.priceFeed = new FeedStatus(config.atp().staleAfterSeconds() * 1000L, System::currentTimeMillis);
  }

  /** Starts everything; the future fails (and everything started is closed) if any part cannot start. */
  public static Future<GatewayApp> start(GatewayConfig config) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
            .setEnabled(true)
            .setJvmMetricsEnabled(true)
            .addLabels(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    GatewayApp app = new GatewayApp(vertx, config);
    return app.boot(config, registry)
        .map(app)
        .recover(e -> app.stop().transform(ignored -> Future.failedFuture(e)));
  }

  private Future<Void> boot(GatewayConfig config, PrometheusMeterRegistry registry) {
    return migrate(1)
        .compose(n -> vertx.executeBlocking(StartupResources::load))
        .compose(res -> vertx.deployVerticle(new CompactedFeedVerticle(Topics.INVENTORY_POSITIONS, config.kafka(),
                config.atp().lagCheckIntervalMs(), res.codec(), new InventoryFeed(inventory), inventoryFeed,
                new DeadLetters(producer), registry))
            .compose(id -> vertx.deployVerticle(new CompactedFeedVerticle(Topics.PRICE_RULES, config.kafka(),
                config.atp().lagCheckIntervalMs(), res.codec(),
                new PriceRuleFeed(prices, new PriceRuleHistory(pool), registry), priceFeed,
                new DeadLetters(producer), registry)))
            .compose(id -> deployHttp(config, new ApiRoutes.Services(config, inventory, ReservationBook.NONE,
                inventoryFeed, prices, new QuoteRepository(pool), channelKeys(config), adminKeys(config),
                Readiness.create(vertx, admin, pool, inventoryFeed, priceFeed), registry, res.openApiYaml(),
                res.contract()))));
  }

  /** What start-up reads from the class path, once, off the event loop. */
  private record StartupResources(EventCodec codec, Buffer openApiYaml, ApiContract contract) {
    static StartupResources load() {
      return new StartupResources(new EventCodec(), Buffer.buffer(OpenApi.yaml()), ApiContract.load());
    }
  }

  /** First one instance (to learn the port when it is 0), then the rest on that port. */
  private Future<Void> deployHttp(GatewayConfig config, ApiRoutes.Services services) {
    ApiRoutes routes = new ApiRoutes(services);
    HttpServerVerticle first = new HttpServerVerticle(config.http(), config.http().port(), routes::create);
    int instances = config.http().effectiveInstances();
    return vertx.deployVerticle(first).compose(id -> {
      port = first.actualPort();
      if (instances == 1) {
        return Future.succeededFuture();
      }
      return vertx.deployVerticle(() -> new HttpServerVerticle(config.http(), port, routes::create),
          new DeploymentOptions().setInstances(instances - 1)).mapEmpty();
    }).onSuccess(v -> LOG.info("gateway listening on http://{}:{} ({} HTTP instance(s))",
        config.http().host(), port, instances)).mapEmpty();
  }

  /** Applies migrations, waiting for PostgreSQL for up to a minute (it may still be starting). */
  private Future<Integer> migrate(int attempt) {
    return Migrations.apply(vertx, pool).recover(e -> {
      if (attempt >= DB_ATTEMPTS) {
        return Future.failedFuture(new IllegalStateException("PostgreSQL is unreachable or migrations failed after "
            + attempt + " attempts: " + e.getMessage(), e));
      }
      LOG.warn("PostgreSQL not ready ({}); retrying in {} ms", e.getMessage(), DB_RETRY_MS);
      Promise<Integer> retry = Promise.promise();
      vertx.setTimer(DB_RETRY_MS, id -> migrate(attempt + 1).onComplete(retry));
      return retry.future();
    });
  }

  public int port() {
    return port;
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * Graceful stop: undeploys the verticles (HTTP servers finish in-flight requests first), flushes
   * and closes the producer, closes the pool, then Vert.x.
   */
  public Future<Void> stop() {
    return bounded(Future.join(vertx.deploymentIDs().stream().map(vertx::undeploy).toList()), "undeploy")
        .transform(v -> bounded(producer.flush(), "producer flush"))
        .transform(v -> bounded(producer.close(5000), "producer close"))
        .transform(v -> bounded(admin.close(), "admin close"))
        .transform(v -> bounded(pool.close(), "pool close"))
        .transform(v -> vertx.close());
  }

  /** A shutdown step that may not hold up the rest of the shutdown for more than a few seconds. */
  private static Future<Void> bounded(Future<?> step, String name) {
    return step.timeout(STOP_STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS).<Void>mapEmpty().recover(e -> {
      LOG.warn("shutdown step '{}' did not finish cleanly: {}", name, e.toString());
      return Future.succeededFuture();
    });
  }

  private static Pool pool(Vertx vertx, PostgresSettings pg) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(pg.host()).setPort(pg.port()).setDatabase(pg.database())
        .setUser(pg.user()).setPassword(pg.password())
        .setCachePreparedStatements(true);
    PoolOptions pool = new PoolOptions().setMaxSize(pg.poolSize()).setMaxWaitQueueSize(pg.maxWaitQueue())
        .setConnectionTimeout(pg.connectTimeoutMs()).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
    return PgBuilder.pool().with(pool).connectingTo(connect).using(vertx).build();
  }

  private static ApiKeys<Channel> channelKeys(GatewayConfig config) {
    Map<String, Channel> byHash = new HashMap<>();
    for (ChannelSettings ch : config.channels()) {
      ch.apiKeyHashes().forEach(h -> byHash.put(h, new Channel(ch.name())));
    }
    return new ApiKeys<>(byHash);
  }

  private static ApiKeys<String> adminKeys(GatewayConfig config) {
    Map<String, String> byHash = new HashMap<>();
    config.admin().apiKeyHashes().forEach(h -> byHash.put(h, "admin"));
    return new ApiKeys<>(byHash);
  }
}
