package io.tidegate.gateway;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidegate.atp.CheckAtpHandler;
import io.tidegate.atp.GetAtpHandler;
import io.tidegate.http.ApiContract;
import io.tidegate.http.ApiFailure;
import io.tidegate.orders.CreateOrderHandler;
import io.tidegate.orders.DeadLetterAdmin;
import io.tidegate.orders.FindOrdersHandler;
import io.tidegate.orders.GetOrderHandler;
import io.tidegate.orders.OrderIntake;
import io.tidegate.orders.OrderReport;
import io.tidegate.orders.OrderRepository;
import io.tidegate.orders.ReconciliationHandler;
import io.tidegate.throttle.ChannelLimitsAdmin;
import io.tidegate.throttle.Throttles;
import java.util.List;
import io.tidegate.http.ApiKeyAuth;
import io.tidegate.http.ApiKeys;
import io.tidegate.http.BearerTokens;
import io.tidegate.http.Channel;
import io.tidegate.http.ChannelAuth;
import io.tidegate.ops.AuditLog;
import io.tidegate.http.CorrelationId;
import io.tidegate.http.QueryStringCheck;
import io.tidegate.http.ErrorHandler;
import io.tidegate.http.OpenApiRoutes;
import io.tidegate.http.RequestMetrics;
import io.tidegate.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.tidegate.ops.ReadinessHandler;
import io.tidegate.pricing.GetQuoteHandler;
import io.tidegate.pricing.QuotePricesHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.time.Clock;
import java.util.function.BooleanSupplier;

/**
 * The router of one HTTP verticle instance: cross-cutting handlers first (request metrics,
 * correlation id, authentication), then one route per OpenAPI operation (throttle, body read up to
 * the limit, load shedder, validation, handler), then the one error handler. The public listener
 * serves /v1, /health, /metrics and /openapi.yaml, and /admin too unless the admin API has a
 * listener of its own ({@code admin.port}); then /admin is served only there and is a 404 on the
 * public port.
 */
final class ApiRoutes {

  private static final Buffer LIVE = Buffer.buffer("{\"status\":\"UP\"}");
  private static final String ADMIN = "/admin/";
  private static final String STOCK = "The stock (inventory and soft reservations)";
  /** A start's replay takes seconds (README: about 8 s for a million positions). */
  private static final long WARMING_UP_RETRY_AFTER_SECONDS = 5;

  private final Services services;
  private final RequestMetrics metrics;

  ApiRoutes(Services services) {
    this.services = services;
    this.metrics = new RequestMetrics(services.registry());
  }

  /** The public listener's router (with /admin when it has no listener of its own). */
  Future<Router> publicRouter(Vertx vertx) {
    return Future.succeededFuture(create(vertx, true, !services.config().admin().ownListener()));
  }

  /** The admin listener's router: /admin only. */
  Future<Router> adminRouter(Vertx vertx) {
    return Future.succeededFuture(create(vertx, false, true));
  }

  private Router create(Vertx vertx, boolean withPublic, boolean withAdmin) {
    Router router = Router.router(vertx);
    long bodyLimit = services.config().http().bodyLimitBytes();
    ErrorHandler errors = new ErrorHandler(bodyLimit, services.contract()::methodsAt);
    router.route().handler(metrics);
    router.route().handler(new CorrelationId());
    router.route().handler(new QueryStringCheck());
    // Path-less routes on purpose: a route with a path would prefix the metrics route label.
    if (withPublic) {
      router.route().handler(under("/v1/", new ChannelAuth(services.channelKeys(), services.bearerTokens())));
    }
    if (withAdmin) {
      router.route().handler(under(ADMIN, new ApiKeyAuth<String>("X-Admin-Key", services.adminKeys())));
    }
    Throttles throttles = services.throttles();
    if (throttles != null && withPublic) {
      // runs in the HTTP verticle's start, so the probe lands on the event loop this router serves
      throttles.loopDelay().probeThisLoop(vertx);
    }
    OpenApiRoutes ops = new OpenApiRoutes(router, services.contract(), throttles,
        metrics, bodyLimit);
    if (withPublic) {
      publicOperations(ops);
    }
    if (withAdmin) {
      adminOperations(ops, throttles);
    }
    ops.remainingNotImplemented(op -> op.path().startsWith(ADMIN) ? withAdmin : withPublic);
    if (withAdmin) {
      router.route().failureHandler(under(ADMIN, rc -> {
        auditRefusal(rc);
        rc.next();
      }));
    }
    router.route().failureHandler(errors);
    router.errorHandler(404, errors);
    router.errorHandler(405, errors);
    router.errorHandler(413, errors);
    router.errorHandler(500, errors);
    return router;
  }

  private void publicOperations(OpenApiRoutes ops) {
    BooleanSupplier stock = services.stockLoaded();
    ops.operation("getAtp", once(stock, STOCK, new GetAtpHandler(services.inventory(), services.reservations(),
        services.inventoryFeed())));
    ops.operation("checkAtp", once(stock, STOCK, new CheckAtpHandler(services.inventory(), services.reservations(),
        services.inventoryFeed(), channel -> services.config().channel(channel)
            .map(io.tidegate.config.ChannelSettings::locationPriority).orElse(List.of()), Clock.systemUTC())));
    ops.operation("quotePrices", once(services.pricesLoaded(), "The price book",
        new QuotePricesHandler(services.prices(), services.quotes(), services.config().pricing(), Clock.systemUTC())));
    ops.operation("getQuote", new GetQuoteHandler(services.quotes(), services.config().pricing().quoteRetentionHours()));
    // Until the stock is loaded, a SKU missing from it is not unknown: no pointer says so.
    ops.bodyCheck("createOrder", body -> stock.getAsBoolean() ? services.intake().unknownSkus(body) : List.of())
        .operation("createOrder", once(stock, STOCK, new CreateOrderHandler(services.intake())));
    ops.operation("getOrder", new GetOrderHandler(services.orders()));
    ops.operation("findOrders", new FindOrdersHandler(services.orders()));
    ops.operation("liveness", rc -> Responses.json(rc, 200, LIVE));
    ops.operation("readiness", new ReadinessHandler(services.readiness()));
    ops.operation("metrics", PrometheusScrapingHandler.create(services.registry()));
    ops.operation("getOpenApi", rc -> rc.response().putHeader("Content-Type", "application/yaml")
        .end(services.openApiYaml()));
  }

  private void adminOperations(OpenApiRoutes ops, Throttles throttles) {
    ops.operation("listDeadLetters", services.deadLetters().list());
    ops.operation("replayDeadLetter", services.deadLetters().replayOne());
    ops.operation("replayAllDeadLetters", services.deadLetters().replayAll());
    ops.operation("reconcileOrders", new ReconciliationHandler(services.orderReport(), Clock.systemUTC()));
    ChannelLimitsAdmin limits = throttles == null ? null : new ChannelLimitsAdmin(throttles, services.audit());
    ops.operation("listChannels", limits == null ? ApiRoutes::throttlingOff : limits.list());
    ops.operation("getChannelLimits", limits == null ? ApiRoutes::throttlingOff : limits.get());
    ops.operation("replaceChannelLimits", limits == null ? ApiRoutes::throttlingOff : limits.replace());
    ops.operation("resetChannelLimits", limits == null ? ApiRoutes::throttlingOff : limits.reset());
  }

  /**
   * An admin change refused before it reached its operation (no or a wrong admin key, a wrong media
   * type, a body over the limit, a body the schema refuses) is audited too: who tried what, from
   * where. What the operations refuse themselves they audit with their action names.
   */
  private void auditRefusal(RoutingContext rc) {
    io.vertx.core.http.HttpMethod method = rc.request().method();
    if (method == io.vertx.core.http.HttpMethod.GET || method == io.vertx.core.http.HttpMethod.HEAD) {
      return;
    }
    if (rc.get(OpenApiRoutes.REACHED_HANDLER) != null) {
      return;
    }
    int status = rc.failure() instanceof ApiFailure api ? api.status()
        : rc.failure() instanceof io.vertx.ext.web.handler.HttpException http ? http.getStatusCode() : rc.statusCode();
    services.audit().record(io.tidegate.ops.AuditLog.Actor.of(rc), "admin.request",
        method.name() + " " + rc.normalizedPath(), "refused:" + status, null, null);
  }

  private static void throttlingOff(RoutingContext rc) {
    rc.fail(new ApiFailure.NotFound("Throttling is disabled on this instance (throttling.enabled=false)"));
  }

  /**
   * {@code handler} once what it answers from is loaded. Before the first complete replay of its
   * feeds after a start, a read model would give wrong answers that look final (a known SKU 404,
   * an order refused for an unknown SKU, a quote line NOT_PRICED): until then, 503 with
   * {@code Retry-After}, as {@code /health/ready} is 503.
   */
  private static Handler<RoutingContext> once(BooleanSupplier loaded, String what, Handler<RoutingContext> handler) {
    return rc -> {
      if (loaded.getAsBoolean()) {
        handler.handle(rc);
      } else {
        rc.fail(new ApiFailure.DependencyUnavailable(what + " of this instance is still loading after its start",
            WARMING_UP_RETRY_AFTER_SECONDS));
      }
    };
  }

  private static Handler<RoutingContext> under(String prefix, Handler<RoutingContext> handler) {
    return rc -> {
      if (rc.normalizedPath().startsWith(prefix)) {
        handler.handle(rc);
      } else {
        rc.next();
      }
    };
  }

  /**
   * What the routes of every HTTP instance share: read models, stores, key tables, health, metrics.
   * {@code bearerTokens} is null when bearer tokens are off. {@code stockLoaded}: the inventory and
   * the soft reservations have been replayed in full once since the start; {@code pricesLoaded}: the
   * price book has.
   */
  record Services(io.tidegate.config.GatewayConfig config, io.tidegate.atp.InventoryReadModel inventory,
                  io.tidegate.atp.ReservationBook reservations, io.tidegate.kafka.FeedStatus inventoryFeed,
                  io.tidegate.pricing.PriceBook prices, io.tidegate.pricing.QuoteRepository quotes,
                  ApiKeys<Channel> channelKeys, BearerTokens bearerTokens, ApiKeys<String> adminKeys,
                  HealthChecks readiness, PrometheusMeterRegistry registry, Buffer openApiYaml, ApiContract contract,
                  OrderIntake intake, OrderRepository orders, DeadLetterAdmin deadLetters, OrderReport orderReport,
                  Throttles throttles, AuditLog audit, BooleanSupplier stockLoaded, BooleanSupplier pricesLoaded) {
  }
}
