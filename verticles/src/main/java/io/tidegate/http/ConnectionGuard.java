package io.tidegate.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Bounds what clients can hold of one listener instance, against connection floods and slow
 * clients (slowloris, slow bodies):
 * <ul>
 *   <li>a connection beyond the listener's {@link Budget} is closed as soon as it is accepted and
 *       counted in {@code gateway_connections_refused_total{listener}};</li>
 *   <li>a connection must deliver a whole request, head and body, within the read time-out of
 *       opening or of its previous response; otherwise it is closed and counted in
 *       {@code gateway_connections_timed_out_total{listener}}. (The idle time-out alone does not
 *       stop a client that sends a header byte every few seconds.)</li>
 * </ul>
 * Vert.x shows a connection and each request head, not the bytes in between, so an idle keep-alive
 * connection cannot be told from one that trickles its next request head: both are closed after
 * the read time-out, and the client opens a new connection for its next request. Time spent
 * producing a response is not the client's and never counts.
 *
 * <p>One guard per HTTP verticle instance; its state is confined to that instance's event loop
 * (connections, requests and its periodic check all run there). The budget is shared.
 */
public final class ConnectionGuard {

  /** The open-connection budget of one listener, shared by all its instances. */
  public static final class Budget {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final Counter refused;
    private final Counter timedOut;

    public Budget(String listener, int max, MeterRegistry registry) {
      this.max = max;
      this.refused = Counter.builder("gateway_connections_refused_total").tag("listener", listener)
          .description("Connections closed on arrival because the listener had http.maxConnections open")
          .register(registry);
      this.timedOut = Counter.builder("gateway_connections_timed_out_total").tag("listener", listener)
          .description("Connections closed because a request did not arrive within http.requestReadTimeoutSeconds")
          .register(registry);
      registry.gauge("gateway_connections_open", List.of(io.micrometer.core.instrument.Tag.of("listener", listener)),
          open, AtomicInteger::get);
    }

    boolean tryOpen() {
      if (open.incrementAndGet() > max) {
        open.decrementAndGet();
        refused.increment();
        return false;
      }
      return true;
    }

    void closed() {
      open.decrementAndGet();
    }
  }

  /** What the guard knows of one open connection. */
  private static final class State {
    long since;
    HttpServerRequest request;

    State(long since) {
      this.since = since;
    }
  }

  private final Vertx vertx;
  private final Budget budget;
  private final long readTimeoutNanos;
  private final LongSupplier nanoClock;
  private final Map<HttpConnection, State> connections = new IdentityHashMap<>();
  private long timerId = -1;

  public ConnectionGuard(Vertx vertx, Budget budget, int readTimeoutSeconds, LongSupplier nanoClock) {
    this.vertx = vertx;
    this.budget = budget;
    this.readTimeoutNanos = readTimeoutSeconds * 1_000_000_000L;
    this.nanoClock = nanoClock;
  }

  /** Starts the periodic check; call from the verticle's context. */
  public void start() {
    long period = Math.max(50, Math.min(1000, readTimeoutNanos / 1_000_000 / 4));
    timerId = vertx.setPeriodic(period, id -> closeLate());
  }

  public void stop() {
    vertx.cancelTimer(timerId);
  }

  /** The server's connection handler. */
  public void opened(HttpConnection connection) {
    if (!budget.tryOpen()) {
      connection.close();
      return;
    }
    connections.put(connection, new State(nanoClock.getAsLong()));
    connection.closeHandler(v -> {
      connections.remove(connection);
      budget.closed();
    });
  }

  /**
   * Called with every request head, before it is routed.
   *
   * @return false for a request on a connection that was refused or timed out (it may have been
   *         read before the close took effect): it must not be served
   */
  public boolean received(HttpServerRequest request) {
    State state = connections.get(request.connection());
    if (state == null) {
      request.connection().close();
      return false;
    }
    state.request = request;
    state.since = nanoClock.getAsLong();
    return true;
  }

  /** Closes every connection whose client has kept the server waiting longer than the read time-out. */
  void closeLate() {
    long now = nanoClock.getAsLong();
    List<HttpConnection> late = new ArrayList<>();
    for (Map.Entry<HttpConnection, State> e : connections.entrySet()) {
      State state = e.getValue();
      HttpServerRequest request = state.request;
      if (request != null && request.isEnded()) {
        // Read completely: the server's turn until the response has ended, then the next request's clock starts.
        if (request.response().ended()) {
          state.request = null;
        }
        state.since = now;
      } else if (now - state.since > readTimeoutNanos) {
        late.add(e.getKey());
      }
    }
    for (HttpConnection connection : late) {
      budget.timedOut.increment();
      connections.remove(connection);
      connection.close();
    }
  }
}
