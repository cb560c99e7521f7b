package io.tidegate.gateway;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidegate.kafka.FeedStatus;
import io.tidegate.atp.InventoryFeed;
import io.tidegate.atp.InventoryReadModel;
import io.tidegate.atp.SoftReservations;
import io.tidegate.erp.ErpPoster;
import io.tidegate.kafka.EventPublisher;
import io.tidegate.orders.DeadLetterAdmin;
import io.tidegate.orders.DeadLetterRepository;
import io.tidegate.orders.ErpStatusParking;
import io.tidegate.orders.IdempotencyStore;
import io.tidegate.orders.OrderIntake;
import io.tidegate.orders.OrderMetrics;
import io.tidegate.orders.OrderReport;
import io.tidegate.orders.OrderRepository;
import io.tidegate.orders.OrderStatusProjector;
import io.tidegate.orders.ReservationFeed;
import io.tidegate.throttle.ThrottleFile;
import io.tidegate.throttle.ThrottleFileWatcher;
import io.tidegate.throttle.Throttles;
import io.tidegate.config.ChannelSettings;
import io.tidegate.config.GatewayConfig;
import io.tidegate.config.PostgresSettings;
import io.tidegate.http.ApiContract;
import io.tidegate.http.ApiKeys;
import io.tidegate.http.BearerTokens;
import io.tidegate.http.Channel;
import io.tidegate.http.ConnectionGuard;
import io.tidegate.http.HttpServerVerticle;
import io.tidegate.kafka.CompactedFeedVerticle;
import io.tidegate.kafka.ConsumerGroupLag;
import io.tidegate.kafka.DeadLetters;
import io.tidegate.kafka.KafkaClients;
import io.tidegate.ops.AuditLog;
import io.tidegate.ops.Readiness;
import io.tidegate.pricing.PriceBook;
import io.tidegate.pricing.PriceRuleFeed;
import io.tidegate.pricing.PriceRuleHistory;
import io.tidegate.pricing.QuoteRepository;
import io.tidegate.store.StoreGuard;
import io.tidegate.store.ExpiryPurge;
import io.tidegate.schemas.OpenApi;
import io.tidegate.schemas.Topics;
import io.tidegate.schemas.events.EventCodec;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
  private static final io.tidegate.ops.ThrottledWarning PRODUCE_FAILED = new io.tidegate.ops.ThrottledWarning(LOG,
      "Kafka producer: a send failed ({}); the caller answered it");
  private static final int DB_ATTEMPTS = 30;
  private static final long DB_RETRY_MS = 2000;
  private static final long STOP_STEP_TIMEOUT_MS = 10_000;
  private static final String HTTP_SERVER_RESPONSE_TIME = "vertx.http.server.response.time";

  /**
   * The HTTP server timer (recorded by {@code RequestMetrics} under Vert.x's name) publishes no
   * histogram by default, so no percentile could be computed per route. These 13 fixed buckets
   * (1 ms to 10 s) give p50/p99 per route with {@code histogram_quantile} at a bounded cost: 13
   * series per route x method x code.
   */
  static final MeterFilter RESPONSE_TIME_BUCKETS = new MeterFilter() {
    @Override
    public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
      if (!id.getName().equals(HTTP_SERVER_RESPONSE_TIME)) {
        return config;
      }
      return DistributionStatisticConfig.builder()
          .serviceLevelObjectives(Stream.of(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
              .mapToDouble(seconds -> seconds * 1e9).toArray())
          .build().merge(config);
    }
  };

  private final Vertx vertx;
  private final Pool pool;
  private final Pool relaxedPool;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaAdminClient admin;
  private final InventoryReadModel inventory = new InventoryReadModel();
  private final FeedStatus inventoryFeed;
  private final PriceBook prices = new PriceBook();
  private final FeedStatus priceFeed;
  private final SoftReservations reservations;
  private final List<FeedStatus> reservationFeeds;
  private final PrometheusMeterRegistry registryRef;
  private final AuditLog audit = new AuditLog(Clock.systemUTC());
  private ThrottleFileWatcher watcher;
  private BearerTokens bearerTokens;
  private final int shutdownDrainSeconds;
  private volatile boolean draining;
  private int port;
  private int adminPort;

  private GatewayApp(Vertx vertx, GatewayConfig config, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.registryRef = registry;
    this.shutdownDrainSeconds = config.http().shutdownDrainSeconds();
    this.reservationFeeds = List.of(feedStatus(config), feedStatus(config), feedStatus(config));
    this.reservations = new SoftReservations(config.orders().reservationExpiryMinutes() * 60_000L,
        System::currentTimeMillis);
    this.pool = pool(vertx, config.postgres(), true);
    this.relaxedPool = pool(vertx, config.postgres(), false);
    this.producer = KafkaProducer.create(vertx, KafkaClients.producer(config.kafka()));
    // Every failed send is already answered where it was made (a 503 for intake, a retry for the
    // projector) and counted in gateway_kafka_produce_errors_total; without a handler here
    // vertx-kafka-client also reports each one as an unhandled exception (an ERROR with a stack
    // trace per record while the broker is down).
    this.producer.exceptionHandler(e -> PRODUCE_FAILED.warn(e.toString()));
    this.admin = KafkaAdminClient.create(vertx, KafkaClients.admin(config.kafka()));
    this.inventoryFeed = new FeedStatus(config.atp().staleAfterSeconds() * 1000L, System::currentTimeMillis);
    this.priceFeed = new FeedStatus(config.atp().staleAfterSeconds() * 1000L, System::currentTimeMillis);
    vertx.exceptionHandler(this::unhandled);
  }

  /**
   * What no handler caught on an event loop. While stopping, vertx-kafka-client's read streams can
   * schedule one more poll on a consumer whose thread is already shut down; that
   * RejectedExecutionException is expected then and logged at DEBUG, not as an ERROR at every stop.
   */
  private void unhandled(Throwable e) {
    if (draining && e instanceof java.util.concurrent.RejectedExecutionException) {
      LOG.debug("while stopping: {}", e.toString());
    } else {
      LOG.error("Unhandled exception", e);
    }
  }

  /** Starts everything; the future fails (and everything started is closed) if any part cannot start. */
  public static Future<GatewayApp> start(GatewayConfig config) {
    LOG.info("configuration: {}", ConfigLoader.describe(config));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(RESPONSE_TIME_BUCKETS);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
            .setEnabled(true)
            .setJvmMetricsEnabled(true)
            // RequestMetrics records the HTTP server meters instead, at a fraction of the cost
            .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
            // vertx_net_client_*: both PostgreSQL pools' clients register the same untagged gauge,
            // so the second one's connections were never counted (and Micrometer warned at every
            // start); vertx_pool_* and vertx_sql_* cover the pools, each under its own name
            .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
            .addLabels(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.NAMESPACE)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    GatewayApp app = new GatewayApp(vertx, config, registry);
    // Not bound to an event loop: a failed start closes Vert.x, and a future bound to one of its
    // event loops would never report the outcome.
    Promise<GatewayApp> started = Promise.promise();
    app.boot(config, registry).onComplete(booted -> {
      if (booted.succeeded()) {
        started.complete(app);
      } else {
        LOG.error("start failed, closing what started: {}", booted.cause().toString());
        app.stop().onComplete(ignored -> started.fail(booted.cause()));
      }
    });
    return started.future();
  }

  private Future<Void> boot(GatewayConfig config, PrometheusMeterRegistry registry) {
    // The throttle file first: a mistake in it is reported at once, not after waiting for PostgreSQL.
    return throttles(config, registry).compose(throttles -> migrate(1)
        .compose(n -> vertx.executeBlocking(StartupResources::load))
        .compose(res -> {
          EventPublisher publisher = new EventPublisher(vertx, producer, res.codec(), config.kafka().sendTimeoutMs(),
              registry);
          StoreGuard storeGuard = StoreGuard.create(vertx, config.postgres().requestTimeoutMs(), registry);
          OrderRepository orders = new OrderRepository(pool, storeGuard);
          QuoteRepository quotes = new QuoteRepository(relaxedPool, storeGuard);
          ErpPoster poster = new ErpPoster(config.kafka(), config.erp(), res.codec(), publisher, orders, registry);
          OrderIntake intake = new OrderIntake(inventory, reservations, quotes,
              new IdempotencyStore(relaxedPool, config.orders().idempotencyRetentionHours(),
                  config.orders().inFlightLeaseSeconds(), storeGuard),
              new OrderRepository(relaxedPool, storeGuard), publisher, config.orders(), channel -> config.channel(channel).orElseThrow(),
              Clock.systemUTC(), registry);
          DeadLetterAdmin deadLetterAdmin = new DeadLetterAdmin(new DeadLetterRepository(pool), publisher,
              res.codec(), audit);
          return deployFeeds(config, res.codec(), registry)
              .compose(v -> vertx.deployVerticle(new OrderStatusProjector(config.kafka(), config.orders().statusGroup(),
                  pool, res.codec(), publisher, new DeadLetters(producer), registry)))
              .compose(v -> vertx.deployVerticle(poster))
              .compose(v -> bearerTokens(config))
              .compose(v -> deployHttp(config, new ApiRoutes.Services(config, inventory, reservations,
                  inventoryFeed, prices, quotes, channelKeys(config), bearerTokens,
                  adminKeys(config), Readiness.create(vertx, admin, config.kafka().bootstrapServers(), pool,
                      config.postgres().host() + ":" + config.postgres().port(), inventoryFeed, priceFeed, reservationFeeds,
                      poster::breakerState, publisher::breakerState, storeGuard::breakerState, () -> draining),
                  registry, res.openApiYaml(), res.contract(), intake, orders, deadLetterAdmin, orderReport(config),
                  throttles, audit, this::stockLoaded, priceFeed::everInSync),
                  registry));
        }))
        .onSuccess(v -> housekeeping(config));
  }

  private Future<Void> deployFeeds(GatewayConfig config, EventCodec codec, PrometheusMeterRegistry registry) {
    int lagMs = config.atp().lagCheckIntervalMs();
    long lookbackMs = config.orders().reservationExpiryMinutes() * 60_000L;
    ReservationFeed reservationFeed = new ReservationFeed(reservations);
    Future<?> all = vertx.deployVerticle(new CompactedFeedVerticle(Topics.INVENTORY_POSITIONS, config.kafka(), lagMs,
            codec, new InventoryFeed(inventory), inventoryFeed, new DeadLetters(producer), registry))
        .compose(id -> vertx.deployVerticle(new CompactedFeedVerticle(Topics.PRICE_RULES, config.kafka(), lagMs, codec,
            new PriceRuleFeed(prices, new PriceRuleHistory(pool), registry), priceFeed, new DeadLetters(producer),
            registry)));
    // Soft reservations: every instance reads the order topics from the oldest record that can still hold stock.
    List<String> topics = List.of(Topics.ORDERS_ACCEPTED, Topics.ORDERS_STATUS, Topics.ORDERS_ERP_STATUS);
    for (int i = 0; i < topics.size(); i++) {
      CompactedFeedVerticle feed = new CompactedFeedVerticle(topics.get(i), config.kafka(), lagMs, codec,
          reservationFeed, reservationFeeds.get(i), null, registry).startingFrom(lookbackMs);
      all = all.compose(id -> vertx.deployVerticle(feed));
    }
    return all.mapEmpty();
  }

  /** The throttle file, loaded before the routes exist; null when throttling is off. */
  private Future<Throttles> throttles(GatewayConfig config, PrometheusMeterRegistry registry) {
    if (!config.throttling().enabled()) {
      LOG.warn("throttling is DISABLED (throttling.enabled=false): no channel budgets, no load shedding");
      return Future.succeededFuture(null);
    }
    Set<String> channels = config.channels().stream().map(ChannelSettings::name).collect(Collectors.toSet());
    return ThrottleFile.load(vertx, config.throttling().file(), channels).map(settings -> {
      Throttles throttles = new Throttles(settings, channels, registry, System::nanoTime);
      watcher = new ThrottleFileWatcher(vertx, config.throttling().file(), throttles,
          config.throttling().reloadIntervalMs(), audit);
      watcher.start();
      return throttles;
    });
  }

  private OrderReport orderReport(GatewayConfig config) {
    return new OrderReport(pool, Duration.ofMinutes(config.orders().stuckUnsubmittedMinutes()),
        Duration.ofMinutes(config.orders().stuckUnbookedMinutes()));
  }

  /** Bearer-token verification with its keys loaded, when {@code jwt.enabled}; else none. */
  private Future<Void> bearerTokens(GatewayConfig config) {
    if (!config.jwt().enabled()) {
      return Future.succeededFuture();
    }
    Set<String> channels = config.channels().stream().filter(ChannelSettings::allowJwt).map(ChannelSettings::name)
        .collect(Collectors.toSet());
    if (channels.isEmpty()) {
      LOG.warn("jwt.enabled is true but no channel has allowJwt: true; every bearer token is refused");
    }
    bearerTokens = new BearerTokens(vertx, config.jwt(), channels, System::currentTimeMillis);
    return bearerTokens.start();
  }

  /**
   * Periodic chores: expire soft reservations, purge expired idempotency keys, quotes past their
   * retention and parked ERP statuses whose order never came (every instance does, each skipping
   * rows another is deleting), order gauges and lag.
   */
  private void housekeeping(GatewayConfig config) {
    new OrderMetrics(orderReport(config), registry()).start(vertx);
    new ConsumerGroupLag(admin, registry(), Map.of(
        config.erp().posterGroup(), List.of(Topics.ORDERS_ACCEPTED),
        config.orders().statusGroup(), OrderStatusProjector.TOPICS)).start(vertx);
    ExpiryPurge keys = IdempotencyStore.purge(pool, registry());
    ExpiryPurge quotes = QuoteRepository.purge(pool, registry());
    ExpiryPurge parked = ErpStatusParking.purge(pool, registry());
    registry().gauge("gateway_soft_reservations_orders", reservations, SoftReservations::orders);
    vertx.setPeriodic(10_000, id -> reservations.expire());
    vertx.setPeriodic(60_000, id -> {
      keys.run().onFailure(e -> LOG.debug("idempotency key purge skipped: {}", e.toString()));
      quotes.run(config.pricing().quoteRetentionHours())
          .onFailure(e -> LOG.debug("quote purge skipped: {}", e.toString()));
      parked.run(config.orders().parkedErpStatusHours())
          .onFailure(e -> LOG.debug("parked ERP status purge skipped: {}", e.toString()));
    });
  }

  /** The inventory and the soft reservations replayed in full once since the start. */
  private boolean stockLoaded() {
    return inventoryFeed.everInSync() && reservationFeeds.stream().allMatch(FeedStatus::everInSync);
  }

  private static FeedStatus feedStatus(GatewayConfig config) {
    return new FeedStatus(config.atp().staleAfterSeconds() * 1000L, System::currentTimeMillis);
  }

  /** The meters (package-private for tests that must read one without opening a connection). */
  io.micrometer.core.instrument.MeterRegistry registry() {
    return registryRef;
  }

  /** What start-up reads from the class path, once, off the event loop. */
  private record StartupResources(EventCodec codec, Buffer openApiYaml, ApiContract contract) {
    static StartupResources load() {
      return new StartupResources(new EventCodec(), Buffer.buffer(OpenApi.yaml()), ApiContract.load());
    }
  }

  /**
   * The public listener: first one instance (to learn the port when it is 0), then the rest on that
   * port. Then the admin listener (one instance) when {@code admin.port} gives it its own.
   */
  private Future<Void> deployHttp(GatewayConfig config, ApiRoutes.Services services, PrometheusMeterRegistry registry) {
    ApiRoutes routes = new ApiRoutes(services);
    ConnectionGuard.Budget budget = new ConnectionGuard.Budget("public", config.http().maxConnections(), registry);
    HttpServerVerticle first = new HttpServerVerticle(config.http(), config.http().host(), config.http().port(),
        routes::publicRouter, budget);
    int instances = config.http().effectiveInstances();
    Future<Void> listening = vertx.deployVerticle(first)
        .recover(e -> cannotListen(config.http().host(), config.http().port(), "http.port", e)).compose(id -> {
      port = first.actualPort();
      if (instances == 1) {
        return Future.succeededFuture();
      }
      return vertx.deployVerticle(() -> new HttpServerVerticle(config.http(), config.http().host(), port,
          routes::publicRouter, budget), new DeploymentOptions().setInstances(instances - 1)).mapEmpty();
    }).onSuccess(v -> LOG.info("gateway listening on {}://{}:{} ({} HTTP instance(s))", config.http().scheme(),
        config.http().host(), port, instances)).mapEmpty();
    if (!config.admin().ownListener()) {
      return listening;
    }
    String adminHost = config.admin().host().isEmpty() ? config.http().host() : config.admin().host();
    HttpServerVerticle adminListener = new HttpServerVerticle(config.http(), adminHost, config.admin().port(),
        routes::adminRouter, new ConnectionGuard.Budget("admin", config.http().maxConnections(), registry));
    return listening.compose(v -> vertx.deployVerticle(adminListener)
        .recover(e -> cannotListen(adminHost, config.admin().port(), "admin.port", e))).map(id -> {
      adminPort = adminListener.actualPort();
      LOG.info("admin API listening on {}://{}:{} (not on the public port)", config.http().scheme(), adminHost,
          adminPort);
      return null;
    });
  }

  /** A listener that could not open, with the address and the setting behind it (a port in use, say). */
  private static <T> Future<T> cannotListen(String host, int port, String setting, Throwable e) {
    return Future.failedFuture(new IllegalStateException("cannot listen on " + host + ":" + port + " (" + setting
        + "): " + e.getMessage(), e));
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

  /** The admin listener's port, or the public port when /admin has no listener of its own. */
  public int adminPort() {
    return adminPort == 0 ? port : adminPort;
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * Graceful stop: first {@code /health/ready} answers 503 ("shutting down") for
   * {@code http.shutdownDrainSeconds} while every request is still served, so that load balancers
   * take this instance out of rotation; then undeploys the verticles (HTTP servers finish in-flight
   * requests first), flushes and closes the producer, closes the pools, then Vert.x.
   */
  public Future<Void> stop() {
    draining = true;
    if (shutdownDrainSeconds > 0) {
      LOG.info("shutting down: /health/ready answers 503 for {} s while requests are still served, then the "
          + "listeners close", shutdownDrainSeconds);
    }
    // The stop runs off Vert.x's threads (after the drain), as when called from main, even when
    // called from an event loop: a future bound to an event loop's context would never report the
    // close of that event loop.
    Promise<Void> stopped = Promise.promise();
    CompletableFuture.runAsync(() -> close().onComplete(stopped),
        CompletableFuture.delayedExecutor(shutdownDrainSeconds, TimeUnit.SECONDS));
    return stopped.future();
  }

  private Future<Void> close() {
    if (watcher != null) {
      watcher.stop();
    }
    if (bearerTokens != null) {
      bearerTokens.stop();
    }
    return bounded(Future.join(vertx.deploymentIDs().stream().map(vertx::undeploy).toList()), "undeploy")
        .transform(v -> bounded(producer.flush(), "producer flush"))
        .transform(v -> bounded(producer.close(5000), "producer close"))
        .transform(v -> bounded(admin.close(), "admin close"))
        .transform(v -> bounded(pool.close(), "pool close"))
        .transform(v -> bounded(relaxedPool.close(), "relaxed pool close"))
        .transform(v -> vertx.close());
  }

  /** A shutdown step that may not hold up the rest of the shutdown for more than a few seconds. */
  private static Future<Void> bounded(Future<?> step, String name) {
    return step.timeout(STOP_STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS).<Void>mapEmpty().recover(e -> {
      LOG.warn("shutdown step '{}' did not finish cleanly: {}", name, e.toString());
      return Future.succeededFuture();
    });
  }

  /**
   * @param synchronousCommit false for the writes whose loss in a database crash something else
   *                          covers, so they need not wait for the WAL flush: quotes (the client
   *                          asks again), idempotency claims and intake's copy of an order (the
   *                          derived order id and the status projector, which writes durably from
   *                          Kafka, cover them). Everything else commits synchronously.
   */
  private static Pool pool(Vertx vertx, PostgresSettings pg, boolean synchronousCommit) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(pg.host()).setPort(pg.port()).setDatabase(pg.database())
        .setUser(pg.user()).setPassword(pg.password())
        .setCachePreparedStatements(true);
    if (!synchronousCommit) {
      connect.addProperty("synchronous_commit", "off");
    }
    // Named, so that each pool has its own vertx_pool_* series (pool_name tidegate-durable or
    // tidegate-relaxed); with the default name the second pool's meters were dropped as duplicates.
    String name = synchronousCommit ? "tidegate-durable" : "tidegate-relaxed";
    // the same for its vertx_sql_* series (label client_namespace)
    connect.setMetricsName(name);
    PoolOptions pool = new PoolOptions().setName(name)
        .setMaxSize(pg.poolSize()).setMaxWaitQueueSize(pg.maxWaitQueue())
        .setConnectionTimeout(pg.connectTimeoutMs()).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
    // TCP_NODELAY stated explicitly: without these transport options the pool's connections ran with
    // Nagle's algorithm, and every query waited for the server's delayed ACK (measured: 2.8 ms per
    // sequential SELECT 1 through the pool, 0.07 ms with them; quotes and orders were PostgreSQL-bound).
    NetClientOptions transport = new NetClientOptions().setTcpNoDelay(true).setTcpKeepAlive(true);
    return PgBuilder.pool().with(pool).with(transport).connectingTo(connect).using(vertx).build();
  }

  private static ApiKeys<Channel> channelKeys(GatewayConfig config) {
    Map<String, Channel> byHash = new HashMap<>();
    for (ChannelSettings ch : config.channels()) {
      ch.apiKeyHashes().forEach(h -> byHash.put(h, new Channel(ch.name())));
    }
    return new ApiKeys<>(byHash);
  }

  /** Admin keys, each known by its fingerprint (who, in the audit log). */
  private static ApiKeys<String> adminKeys(GatewayConfig config) {
    Map<String, String> byHash = new HashMap<>();
    config.admin().apiKeyHashes().forEach(h -> byHash.put(h, "admin-" + ApiKeys.fingerprint(h)));
    return new ApiKeys<>(byHash);
  }
}
