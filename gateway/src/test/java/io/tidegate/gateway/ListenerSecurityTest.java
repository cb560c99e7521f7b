package io.tidegate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidegate.dev.Eventually;
import io.tidegate.dev.LogCapture;
import io.tidegate.dev.TestStack;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The listeners against hostile and operator traffic, over raw sockets (no client library pools
 * or tidies anything): the admin API on its own port only, every admin change in the audit log,
 * connections beyond {@code http.maxConnections} closed at once and counted, and slow clients
 * (slowloris headers, a trickled body) cut off by the read time-out long before the idle time-out.
 */
class ListenerSecurityTest {

  private static final int MAX_CONNECTIONS = 4;
  private static final int READ_TIMEOUT_SECONDS = 3;
  private static final String ADMIN = "dev-admin-key";
  private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3})");
  private static GatewayApp app;

  @BeforeAll
  static void start() throws IOException {
    int adminPort;
    try (ServerSocket free = new ServerSocket(0)) {
      adminPort = free.getLocalPort();
    }
    app = GatewayApp.start(TestStack.get().config(Map.of("TIDEGATE_ADMIN_PORT", Integer.toString(adminPort),
        "TIDEGATE_HTTP_MAX_CONNECTIONS", Integer.toString(MAX_CONNECTIONS),
        "TIDEGATE_HTTP_REQUEST_READ_TIMEOUT_SECONDS", Integer.toString(READ_TIMEOUT_SECONDS)))).await();
    assertEquals(adminPort, app.adminPort());
    RunningGateway.awaitReady(new io.tidegate.dev.Http(app.port()));
  }

  @AfterAll
  static void stop() {
    app.stop().await();
  }

  @Test
  void theAdminApiIsServedOnItsOwnPortOnlyAndStillNeedsItsKey() throws IOException {
    assertEquals(404, status(exchange(app.port(), "GET /admin/channels", "X-Admin-Key: " + ADMIN)));
    assertTrue(exchange(app.port(), "GET /admin/channels", "X-Admin-Key: " + ADMIN).contains("\"code\":\"NOT_FOUND\""));
    assertEquals(404, status(exchange(app.port(), "POST /admin/dlq/orders/replay", "X-Admin-Key: " + ADMIN)));
    assertEquals(200, status(exchange(app.adminPort(), "GET /admin/channels", "X-Admin-Key: " + ADMIN)));
    assertEquals(401, status(exchange(app.adminPort(), "GET /admin/channels")));
    assertEquals(401, status(exchange(app.adminPort(), "GET /admin/channels", "X-Admin-Key: dev-webshop-key")));
    assertEquals(404, status(exchange(app.adminPort(), "GET /v1/atp/SKU-0001", "X-Api-Key: dev-webshop-key")));
    assertEquals(404, status(exchange(app.adminPort(), "GET /health/live")));
    assertEquals(200, status(exchange(app.port(), "GET /health/live")));
  }

  @Test
  void everyAdminChangeIsAuditedWithWhoWhenWhatAndTheCorrelationId() throws IOException {
    try (LogCapture audit = LogCapture.of("tidegate.audit")) {
      String policies = "{\"policies\":[{\"name\":\"prices\",\"quota\":50,\"windowSeconds\":1}]}";
      assertEquals(200, status(send(app.adminPort(), "PUT /admin/channels/webshop/limits", policies,
          "X-Admin-Key: " + ADMIN, "X-Correlation-Id: audit-put-1")));
      assertEquals(404, status(send(app.adminPort(), "PUT /admin/channels/nobody/limits", policies,
          "X-Admin-Key: " + ADMIN, "X-Correlation-Id: audit-put-2")));
      assertEquals(404, status(send(app.adminPort(), "POST /admin/dlq/orders/no-such-order/replay", "",
          "X-Admin-Key: " + ADMIN, "X-Correlation-Id: audit-replay-1")));
      assertEquals(202, status(send(app.adminPort(), "POST /admin/dlq/orders/replay?channel=marketplace", "",
          "X-Admin-Key: " + ADMIN, "X-Correlation-Id: audit-replay-2")));

      JsonObject put = entry(audit, "audit-put-1");
      assertEquals("limits.replace", put.getString("action"));
      assertEquals("channel/webshop", put.getString("target"));
      assertEquals("applied", put.getString("outcome"));
      assertEquals("admin-key:df76ff79", put.getString("who"));
      assertEquals("127.0.0.1", put.getString("remote"));
      assertTrue(put.getString("at").endsWith("Z"), put.encode());
      assertTrue(put.getJsonObject("before").encode().contains("\"name\":\"atp\""), put.encode());
      assertTrue(put.getJsonObject("after").encode().contains("\"quota\":50"), put.encode());
      assertEquals("not-found", entry(audit, "audit-put-2").getString("outcome"));
      JsonObject replay = entry(audit, "audit-replay-1");
      assertEquals("dlq.replay", replay.getString("action"));
      assertEquals("order/no-such-order", replay.getString("target"));
      assertEquals("not-found", replay.getString("outcome"));
      JsonObject replayAll = entry(audit, "audit-replay-2");
      assertEquals("dlq.replayAll", replayAll.getString("action"));
      assertEquals("channel/marketplace", replayAll.getString("target"));
      assertFalse(audit.all().contains(ADMIN), "the admin key itself reached the audit log");
    }
  }

  @Test
  void connectionsBeyondTheCapAreClosedAtOnceAndCounted() throws Exception {
    double refusedBefore = metric("gateway_connections_refused_total");
    // Each probe over HTTP is a connection of its own, closed by the server after its answer and
    // counted closed on its event loop a moment later. Read the count in-process (no connection of
    // our own) until every earlier close is counted, or a probe would hold one of the slots and the
    // last held connection be refused (seen in full runs: "connection 4 of 4 was refused").
    Eventually.await(Duration.ofSeconds(15), "no connection open on the public listener",
        () -> app.registry().get("gateway_connections_open").tag("listener", "public").gauge().value(),
        open -> open == 0.0);
    List<Socket> held = new ArrayList<>();
    try {
      // All at once: the read time-out (3 s) must not free a slot before the one over the cap arrives.
      for (int i = 0; i < MAX_CONNECTIONS; i++) {
        held.add(new Socket("127.0.0.1", app.port()));
      }
      Socket over = new Socket("127.0.0.1", app.port());
      long started = System.nanoTime();
      assertFalse(stillOpen(over, 2000), "a connection beyond http.maxConnections was kept");
      assertTrue(System.nanoTime() - started < 1_500_000_000L, "the refused connection was not closed at once");
      held.add(over);
      for (int i = 0; i < MAX_CONNECTIONS; i++) {
        assertTrue(stillOpen(held.get(i), 50), "connection " + (i + 1) + " of " + MAX_CONNECTIONS + " was refused");
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    // Room again once they are gone; the refusal was counted.
    Eventually.await(Duration.ofSeconds(15), "a new connection served, and the refusal counted",
        () -> metric("gateway_connections_refused_total"), v -> v >= refusedBefore + 1);
  }

  @Test
  void aSlowlorisClientIsCutOffByTheReadTimeoutNotTheIdleTimeout() throws Exception {
    double before = metric("gateway_connections_timed_out_total");
    try (Socket s = new Socket("127.0.0.1", app.port())) {
      s.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
      double seconds = secondsUntilClosed(s, i -> ("X-Slow-" + i + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
      assertTrue(seconds >= READ_TIMEOUT_SECONDS - 0.5 && seconds < READ_TIMEOUT_SECONDS + 4,
          "slowloris connection closed after " + seconds + " s");
    }
    try (Socket s = new Socket("127.0.0.1", app.port())) {
      s.getOutputStream().write(("POST /v1/atp:check HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: dev-webshop-key\r\n"
          + "Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
      double seconds = secondsUntilClosed(s, i -> " ".getBytes(StandardCharsets.US_ASCII));
      assertTrue(seconds < READ_TIMEOUT_SECONDS + 4, "slow body connection closed after " + seconds + " s");
    }
    assertTrue(metric("gateway_connections_timed_out_total") >= before + 2);
    assertEquals(200, status(exchange(app.port(), "GET /health/live")), "a normal client is still served");
  }

  /** Feeds the connection a trickle (one piece every 400 ms) and measures how long until the server closes it. */
  private static double secondsUntilClosed(Socket s, java.util.function.IntFunction<byte[]> trickle) throws IOException {
    long started = System.nanoTime();
    for (int i = 0; System.nanoTime() - started < 20_000_000_000L; i++) {
      try {
        s.getOutputStream().write(trickle.apply(i));
        s.getOutputStream().flush();
      } catch (IOException closed) {
        break;
      }
      if (!stillOpen(s, 400)) {
        break;
      }
    }
    return (System.nanoTime() - started) / 1e9;
  }

  /** True if nothing arrives within {@code millis} and the peer has not closed. */
  private static boolean stillOpen(Socket s, int millis) throws IOException {
    s.setSoTimeout(millis);
    try {
      InputStream in = s.getInputStream();
      return in.read() >= 0;
    } catch (SocketTimeoutException quiet) {
      return true;
    } catch (IOException reset) {
      return false;
    }
  }

  private static JsonObject entry(LogCapture audit, String correlationId) {
    String line = Eventually.await(Duration.ofSeconds(10), "audit entry " + correlationId,
        () -> audit.lines().stream().filter(l -> l.contains("\"correlationId\":\"" + correlationId + "\"")).findFirst()
            .orElse(null), l -> l != null);
    return new JsonObject(line.substring(line.indexOf('{')));
  }

  /** The public listener's value of a metric; -1 while the scrape itself cannot get through. */
  private static double metric(String name) {
    String body;
    try {
      body = exchange(app.port(), "GET /metrics");
    } catch (IOException e) {
      return -1;
    }
    Matcher m = Pattern.compile("(?m)^" + name + "\\{listener=\"public\"[^}]*} ([0-9.Ee+-]+)$").matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : status(body) == 200 ? 0 : -1;
  }

  private static int status(String response) {
    Matcher m = STATUS.matcher(response);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  private static String exchange(int port, String requestLine, String... headers) throws IOException {
    return send(port, requestLine, null, headers);
  }

  /** One request on its own connection ({@code Connection: close}); the whole response as text. */
  private static String send(int port, String requestLine, String body, String... headers) throws IOException {
    StringBuilder head = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (String h : headers) {
      head.append(h).append("\r\n");
    }
    byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (body != null) {
      head.append("Content-Type: application/json\r\nContent-Length: ").append(content.length).append("\r\n");
    }
    head.append("\r\n");
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(15_000);
      s.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().write(content);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      s.getInputStream().transferTo(out);
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
