package io.tidegate.dev.erp;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Stands in for the ERP in development and tests: {@code POST /orders} with idempotency on the
 * orderId, latency, rate limiting (429 + Retry-After), random 500s, held answers ("time-outs"),
 * an outage switch (503), permanent refusals (422) and status progression events
 * (BOOKED → RELEASED → SHIPPED → INVOICED, or REJECTED, or CANCELLED on request) through a
 * {@link StatusSink}.
 *
 * <p>HTTP API:
 * <ul>
 *   <li>{@code POST /orders} — 201 {@code {erpOrderNumber, orderId, status:"RECEIVED"}} once per
 *       orderId; the same Idempotency-Key again: 200 with the first body and
 *       {@code Idempotent-Replayed: true}. Checks in order: down (503), rate (429), request
 *       validity (400), random failure (500); latency applies to every answer except 503/429.</li>
 *   <li>{@code GET /orders/{orderId}} — the ERP's record with {@code status} and {@code posts}
 *       (POST attempts that carried this Idempotency-Key, shed ones included); 404 if unknown;
 *       503 while down.</li>
 *   <li>{@code POST /sim/orders/{orderId}/cancel} with optional {@code {"reason"}} — cancels
 *       the order as the ERP's customer service would: a CANCELLED event, and no further
 *       progression. 404 if unknown, 409 once SHIPPED, INVOICED, REJECTED or CANCELLED.</li>
 *   <li>{@code GET /sim/stats}, {@code GET /sim/orders}, {@code GET|PUT /sim/config} — never
 *       delayed, limited or shed.</li>
 * </ul>
 *
 * <p><b>State is in memory only.</b> Undeploying or restarting the simulator forgets every order,
 * so a POST repeated after a restart creates a second ERP order that the new instance cannot
 * detect. Tests that assert "no duplicate ERP order across gateway restarts" must keep one
 * simulator running for the whole test.
 *
 * <p>Deploy exactly one instance (its state is confined to its event loop; several instances
 * would each have their own orders). Timers die with the deployment. The {@link StatusSink} is
 * owned by the caller.
 */
public final class ErpSimulator extends VerticleBase {

  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  public static final String CORRELATION_ID = "X-Correlation-Id";
  public static final String REPLAYED = "Idempotent-Replayed";
  public static final String EVENT_TYPE = "ErpOrderStatusChanged";
  public static final String EVENT_SOURCE = "erp-simulator";
  public static final List<String> PROGRESSION = List.of("BOOKED", "RELEASED", "SHIPPED", "INVOICED");

  private static final Logger LOG = LoggerFactory.getLogger(ErpSimulator.class);
  private static final int BODY_LIMIT = 256 * 1024;
  private static final long DOWN_RETRY_AFTER_SECONDS = 1;
  private static final String JSON = "application/json";

  private final StatusSink sink;
  private volatile Warehouse warehouse = Warehouse.NONE;
  private final LongSupplier nanoClock;
  private final Clock clock;
  private final Random random;
  private final ErpLedger ledger = new ErpLedger();
  private volatile ErpSimulatorOptions options;
  private TokenBucket bucket;
  private HttpServer server;

  public ErpSimulator(ErpSimulatorOptions options, StatusSink sink) {
    this(options, sink, System::nanoTime, Clock.systemUTC());
  }

  ErpSimulator(ErpSimulatorOptions options, StatusSink sink, LongSupplier nanoClock, Clock clock) {
    this.sink = sink;
    this.nanoClock = nanoClock;
    this.clock = clock;
    this.random = options.seed() == null ? new Random() : new Random(options.seed());
    apply(options);
  }

  /** Deploys a simulator and completes once it listens. */
  public static Future<ErpSimulator> start(Vertx vertx, ErpSimulatorOptions options, StatusSink sink) {
    return start(vertx, options, sink, Warehouse.NONE);
  }

  /** From now on, bookings, shipments and cancellations also move stock in {@code warehouse}. */
  public void useWarehouse(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** A simulator whose bookings, shipments and cancellations also move stock in {@code warehouse}. */
  public static Future<ErpSimulator> start(Vertx vertx, ErpSimulatorOptions options, StatusSink sink,
                                           Warehouse warehouse) {
    ErpSimulator simulator = new ErpSimulator(options, sink);
    simulator.warehouse = warehouse;
    return vertx.deployVerticle(simulator).map(id -> simulator);
  }

  private final java.util.concurrent.atomic.AtomicInteger postsInFlight = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger maxPostsInFlight = new java.util.concurrent.atomic.AtomicInteger();

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(this::correlation);
    router.post("/orders").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
        .handler(this::postOrder);
    router.get("/orders/:orderId").handler(this::getOrder);
    router.get("/sim/stats").handler(ctx -> json(ctx.response(), 200, ledger.stats()
        .put("postsInFlight", postsInFlight.get()).put("maxPostsInFlight", maxPostsInFlight.get()).toBuffer()));
    router.get("/sim/orders").handler(ctx -> json(ctx.response(), 200, ledger.list().toBuffer()));
    router.post("/sim/orders/:orderId/cancel").handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
        .handler(this::cancelOrder);
    router.get("/sim/config").handler(ctx -> json(ctx.response(), 200, options.toJson().toBuffer()));
    router.put("/sim/config").handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
        .handler(this::putConfig);
    router.route().failureHandler(this::failure);
    ErpSimulatorOptions o = options;
    return vertx.createHttpServer().requestHandler(router).listen(o.port(), o.host())
        .onSuccess(s -> {
          server = s;
          LOG.info("ERP simulator listening on {}:{} with {}", o.host(), s.actualPort(), o.toJson().encode());
        });
  }

  /** The port the simulator listens on (useful with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  /** The configuration in force. */
  public ErpSimulatorOptions options() {
    return options;
  }

  private void apply(ErpSimulatorOptions next) {
    ErpSimulatorOptions previous = options;
    if (previous == null || previous.ratePerSecond() != next.ratePerSecond()) {
      bucket = next.ratePerSecond() == 0 ? null : new TokenBucket(next.ratePerSecond(), nanoClock);
    }
    options = next;
  }

  private void correlation(RoutingContext ctx) {
    String cid = ctx.request().getHeader(CORRELATION_ID);
    if (cid == null || cid.isBlank()) {
      cid = UUID.randomUUID().toString();
    }
    ctx.put(CORRELATION_ID, cid);
    ctx.response().putHeader(CORRELATION_ID, cid);
    ctx.next();
  }

  private void postOrder(RoutingContext ctx) {
    // Concurrency as the ERP sees it: from the request's arrival to its answer (or the close).
    maxPostsInFlight.accumulateAndGet(postsInFlight.incrementAndGet(), Math::max);
    java.util.concurrent.atomic.AtomicBoolean counted = new java.util.concurrent.atomic.AtomicBoolean(true);
    Runnable done = () -> {
      if (counted.getAndSet(false)) {
        postsInFlight.decrementAndGet();
      }
    };
    ctx.response().endHandler(v -> done.run());
    ctx.response().closeHandler(v -> done.run());
    String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
    ledger.countPost(key);
    ErpSimulatorOptions o = options;
    if (o.down()) {
      shed(ctx, 503, ErpLedger.Stat.DOWN_503, DOWN_RETRY_AFTER_SECONDS, "ERP is down (simulated)");
      return;
    }
    long waitNanos = bucket == null ? 0 : bucket.tryAcquire();
    if (waitNanos > 0) {
      shed(ctx, 429, ErpLedger.Stat.REJECTED_429, TokenBucket.retryAfterSeconds(waitNanos), "rate limit exceeded");
      return;
    }
    OrderCheck check = OrderCheck.of(ctx.body().buffer(), key);
    if (!check.valid()) {
      ledger.count(ErpLedger.Stat.BAD_REQUEST_400);
      answer(ctx, 400, reason(check.reason()), latency(o), false);
      return;
    }
    if (random.nextDouble() < o.failureRate()) {
      ledger.count(ErpLedger.Stat.FAILED_500);
      answer(ctx, 500, reason("simulated ERP failure"), latency(o), false);
      return;
    }
    long delay = latency(o);
    if (random.nextDouble() < o.timeoutRate()) {
      ledger.count(ErpLedger.Stat.TIMEOUTS_HELD);
      delay = o.timeoutHoldMs();
    }
    ErpLedger.Entry known = ledger.find(check.orderId());
    if (known != null) {
      replay(ctx, known, check.order(), delay);
      return;
    }
    ErpLedger.Entry entry = isRefused(o, check.order())
        ? refuse(check.order(), ctx.get(CORRELATION_ID))
        : create(check.order(), ctx.get(CORRELATION_ID), o.progressionStepMs());
    answer(ctx, entry.httpStatus(), entry.response(), delay, false);
  }

  private void replay(RoutingContext ctx, ErpLedger.Entry known, JsonObject order, long delay) {
    ledger.count(ErpLedger.Stat.REPLAYS);
    if (!known.order().equals(order)) {
      ledger.count(ErpLedger.Stat.REPLAY_BODY_MISMATCHES);
      LOG.warn("orderId {} posted again with a different body (correlationId={})",
          known.orderId(), (String) ctx.get(CORRELATION_ID));
    }
    int status = known.httpStatus() == 201 ? 200 : known.httpStatus();
    answer(ctx, status, known.response(), delay, true);
  }

  private static boolean isRefused(ErpSimulatorOptions o, JsonObject order) {
    String prefix = o.rejectCustomersPrefix();
    return !prefix.isEmpty() && order.getString("customerId").startsWith(prefix);
  }

  private ErpLedger.Entry create(JsonObject order, String correlationId, long stepMs) {
    ErpLedger.Entry entry = ledger.create(order, correlationId, now());
    LOG.debug("created {} for orderId {} (correlationId={})", entry.erpOrderNumber(), entry.orderId(), correlationId);
    if (stepMs > 0) {
      progress(entry.orderId(), stepMs, 0);
    }
    return entry;
  }

  private ErpLedger.Entry refuse(JsonObject order, String correlationId) {
    String reason = "customer " + order.getString("customerId") + " is blocked in the ERP";
    ErpLedger.Entry entry = ledger.refuse(order, reason, correlationId, now());
    LOG.info("refused orderId {}: {} (correlationId={})", entry.orderId(), reason, correlationId);
    publish(entry);
    return entry;
  }

  private void cancelOrder(RoutingContext ctx) {
    ErpLedger.Entry entry = ledger.find(ctx.pathParam("orderId"));
    if (entry == null) {
      json(ctx.response(), 404, reason("unknown orderId"));
      return;
    }
    if (ErpLedger.FINAL_FOR_CANCEL.contains(entry.status())) {
      json(ctx.response(), 409, reason("cannot cancel an order that is " + entry.status()));
      return;
    }
    Object body = OrderCheck.parse(ctx.body().buffer());
    String why = body instanceof JsonObject o && o.getValue("reason") instanceof String r && !r.isBlank()
        ? r : "cancelled in the ERP";
    boolean booked = PROGRESSION.contains(entry.status());
    ErpLedger.Entry cancelled = ledger.cancel(entry.orderId(), why, now());
    LOG.info("cancelled orderId {}: {} (correlationId={})", entry.orderId(), why, entry.correlationId());
    moveStock(booked ? Warehouse.Movement.DEALLOCATE : null, cancelled).onComplete(v -> publish(cancelled));
    json(ctx.response(), 200, ledger.view(cancelled).toBuffer());
  }

  /** One status step every {@code stepMs}, each scheduled from the previous one's timer; none after a cancel. */
  private void progress(String orderId, long stepMs, int index) {
    if (index < PROGRESSION.size()) {
      vertx.setTimer(stepMs, id -> {
        if (ErpLedger.CANCELLED.equals(ledger.find(orderId).status())) {
          return;
        }
        String status = PROGRESSION.get(index);
        ErpLedger.Entry advanced = ledger.advance(orderId, status, now());
        Warehouse.Movement movement = "BOOKED".equals(status) ? Warehouse.Movement.ALLOCATE
            : "SHIPPED".equals(status) ? Warehouse.Movement.SHIP : null;
        // The stock moves first, the status after it: the gateway ends an order's soft reservation
        // on BOOKED, and by then the feed should already count the stock as allocated.
        // The next step waits for this one to go out, so the statuses keep their sequence order.
        moveStock(movement, advanced).onComplete(v -> {
          publish(advanced);
          progress(orderId, stepMs, index + 1);
        });
      });
    }
  }

  /** The warehouse's movement of the entry's allocated lines; a failure is logged, the status goes out anyway. */
  private Future<Void> moveStock(Warehouse.Movement movement, ErpLedger.Entry entry) {
    if (movement == null) {
      return Future.succeededFuture();
    }
    return warehouse.apply(movement, allocations(entry.order()))
        .onFailure(e -> LOG.warn("stock of orderId {} not moved ({}): {}", entry.orderId(), movement, e.toString()));
  }

  private void publish(ErpLedger.Entry entry) {
    Buffer event = statusEvent(entry, options.statusSchemaVersion()).toBuffer();
    sink.publish(entry.orderId(), entry.correlationId(), event).onComplete(
        ok -> ledger.count(ErpLedger.Stat.EVENTS_PUBLISHED),
        err -> {
          ledger.count(ErpLedger.Stat.EVENTS_FAILED);
          LOG.warn("status {} of orderId {} not published (correlationId={}): {}",
              entry.status(), entry.orderId(), entry.correlationId(), err.toString());
        });
  }

  /**
   * The canonical envelope of the CONTRACT for the entry's latest status, in schema version 1, or 2
   * with the allocations (each line's ship-from locations, or DC1) once the order is booked.
   */
  static JsonObject statusEvent(ErpLedger.Entry entry, int schemaVersion) {
    ErpLedger.Step step = entry.history().get(entry.history().size() - 1);
    JsonObject data = new JsonObject()
        .put("orderId", entry.orderId())
        .put("erpOrderNumber", entry.erpOrderNumber())
        .put("status", step.status())
        .put("sequence", step.sequence());
    boolean exit = ErpLedger.REJECTED.equals(step.status()) || ErpLedger.CANCELLED.equals(step.status());
    if (exit) {
      data.put("reason", entry.reason());
    }
    data.put("at", step.at().toString());
    if (schemaVersion >= 2 && !exit) {
      data.put("allocations", allocations(entry.order()));
    }
    return new JsonObject()
        .put("eventId", UUID.randomUUID().toString())
        .put("type", EVENT_TYPE)
        .put("schemaVersion", schemaVersion)
        .put("occurredAt", step.at().toString())
        .put("correlationId", entry.correlationId())
        .put("source", EVENT_SOURCE)
        .put("data", data);
  }

  private static JsonArray allocations(JsonObject order) {
    JsonArray out = new JsonArray();
    JsonArray lines = order == null ? null : order.getJsonArray("lines");
    for (int i = 0; lines != null && i < lines.size(); i++) {
      JsonObject line = lines.getJsonObject(i);
      JsonArray shipFrom = line.getJsonArray("shipFrom");
      if (shipFrom == null || shipFrom.isEmpty()) {
        out.add(new JsonObject().put("sku", line.getString("sku")).put("location", "DC1")
            .put("quantity", line.getInteger("quantity")));
      } else {
        shipFrom.forEach(f -> out.add(new JsonObject().put("sku", line.getString("sku"))
            .put("location", ((JsonObject) f).getString("location")).put("quantity", ((JsonObject) f).getInteger("quantity"))));
      }
    }
    return out;
  }

  private void getOrder(RoutingContext ctx) {
    ErpSimulatorOptions o = options;
    if (o.down()) {
      shed(ctx, 503, ErpLedger.Stat.DOWN_503, DOWN_RETRY_AFTER_SECONDS, "ERP is down (simulated)");
      return;
    }
    ErpLedger.Entry entry = ledger.find(ctx.pathParam("orderId"));
    if (entry == null) {
      answer(ctx, 404, reason("unknown orderId"), latency(o), false);
      return;
    }
    answer(ctx, 200, ledger.view(entry).toBuffer(), latency(o), false);
  }

  private void putConfig(RoutingContext ctx) {
    Object patch = OrderCheck.parse(ctx.body().buffer());
    if (!(patch instanceof JsonObject)) {
      throw new HttpException(400, "body must be a JSON object with option fields");
    }
    ErpSimulatorOptions next = options.patched((JsonObject) patch);
    apply(next);
    LOG.info("ERP simulator reconfigured: {}", next.toJson().encode());
    json(ctx.response(), 200, next.toJson().toBuffer());
  }

  /** 503 and 429: answered at once, never delayed. */
  private void shed(RoutingContext ctx, int status, ErpLedger.Stat stat, long retryAfterSeconds, String why) {
    ledger.count(stat);
    ctx.response().putHeader("Retry-After", Long.toString(retryAfterSeconds));
    json(ctx.response(), status, reason(why));
  }

  private void answer(RoutingContext ctx, int status, Buffer body, long delayMs, boolean replayed) {
    HttpServerResponse response = ctx.response();
    if (replayed) {
      response.putHeader(REPLAYED, "true");
    }
    if (delayMs <= 0) {
      json(response, status, body);
    } else {
      vertx.setTimer(delayMs, id -> json(response, status, body));
    }
  }

  private static void json(HttpServerResponse response, int status, Buffer body) {
    if (!response.ended() && !response.closed()) {
      response.setStatusCode(status).putHeader("Content-Type", JSON).end(body);
    }
  }

  private long latency(ErpSimulatorOptions o) {
    long jitter = o.jitterMs() == 0 ? 0 : (long) (random.nextDouble() * (o.jitterMs() + 1));
    return o.latencyMs() + jitter;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static Buffer reason(String reason) {
    return new JsonObject().put("reason", reason).toBuffer();
  }

  /** The one error path: typed failures become {@code {reason}}; 5xx never carry exception text. */
  private void failure(RoutingContext ctx) {
    Throwable t = ctx.failure();
    int status;
    if (t instanceof HttpException) {
      status = ((HttpException) t).getStatusCode();
    } else if (t instanceof IllegalArgumentException || t instanceof DecodeException) {
      status = 400;
    } else if (ctx.statusCode() > 0) {
      status = ctx.statusCode();
    } else {
      status = 500;
    }
    String why;
    if (status >= 500) {
      why = "internal error";
      LOG.error("{} {} failed (correlationId={})", ctx.request().method(), ctx.request().path(),
          (String) ctx.get(CORRELATION_ID), t);
    } else if (t instanceof HttpException && ((HttpException) t).getPayload() != null) {
      why = ((HttpException) t).getPayload();
    } else if (t != null && t.getMessage() != null && !(t instanceof HttpException)) {
      why = t.getMessage();
    } else {
      why = HttpResponseStatus.valueOf(status).reasonPhrase();
    }
    json(ctx.response(), status, reason(why));
  }
}
