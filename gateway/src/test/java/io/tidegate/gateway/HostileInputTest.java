package io.tidegate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidegate.dev.TestStack;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated hostile requests against the real HTTP server, over a raw socket so that nothing in a
 * client library tidies them up: broken and deeply nested JSON, huge numbers, wrong types, unicode
 * edge cases and invalid UTF-8, wrong content types, duplicate and huge headers, path traversal
 * and query floods, on every endpoint. Never a 5xx, never a hang; the process stays healthy and no
 * rejected order reaches the order store.
 */
class HostileInputTest {

  private static final String WEBSHOP = "dev-webshop-key";
  private static final String ADMIN = "dev-admin-key";
  private static final List<String> POST_TARGETS = List.of("/v1/atp:check", "/v1/prices:quote", "/v1/orders",
      "/admin/dlq/orders/replay", "/admin/dlq/orders/x/replay");
  private static final List<String> GET_TARGETS = List.of("/v1/atp/SKU-0001", "/v1/prices/quotes/q", "/v1/orders/o",
      "/v1/orders?externalId=FUZZ", "/admin/channels", "/admin/channels/webshop/limits", "/admin/dlq/orders",
      "/health/ready", "/openapi.yaml");

  private static GatewayApp app;

  @BeforeContainer
  static void start() {
    // A short idle time-out: a slow client (e.g. "Transfer-Encoding: chunked" and no body) is cut off
    // after it instead of holding the connection.
    app = GatewayApp.start(TestStack.get().config(Map.of("TIDEGATE_THROTTLING_ENABLED", "false",
        "TIDEGATE_HTTP_IDLE_TIMEOUT_SECONDS", "2"))).await();
    RunningGateway.awaitReady(new io.tidegate.dev.Http(app.port()));
  }

  @AfterContainer
  static void stop() {
    app.stop().await();
  }

  @Property(tries = 400)
  void malformedBodiesGetA4xxOnEveryEndpoint(@ForAll("postTargets") String path, @ForAll("bodies") byte[] body,
                                             @ForAll("contentTypes") String contentType) throws Exception {
    String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: " + WEBSHOP + "\r\nX-Admin-Key: " + ADMIN
        + "\r\nIdempotency-Key: fuzz-" + System.nanoTime() + "\r\n" + contentType + "Content-Length: " + body.length
        + "\r\nConnection: close\r\n\r\n";
    int status = send(concat(head.getBytes(StandardCharsets.ISO_8859_1), body));
    assertTrue(status >= 200 && status < 500 && (status != 202 || path.startsWith("/admin/")), "POST " + path + " -> " + status + " for "
        + new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8));
  }

  @Property(tries = 300)
  void hostilePathsQueriesAndHeadersNever5xx(@ForAll("getTargets") String target, @ForAll("suffixes") String suffix,
                                             @ForAll("headers") String headers) throws Exception {
    String head = "GET " + target + suffix + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: " + WEBSHOP
        + "\r\nX-Admin-Key: " + ADMIN + "\r\n" + headers + "Connection: close\r\n\r\n";
    int status = send(head.getBytes(StandardCharsets.ISO_8859_1));
    assertTrue(status > 0 && status < 500, "GET " + target + suffix + " with " + headers.length() + " header bytes -> "
        + status);
  }

  @Example
  void afterTheFuzzTheProcessIsHealthyAndNoRejectedOrderWasStored() throws Exception {
    io.tidegate.dev.Eventually.await(java.time.Duration.ofSeconds(30), "ready", () -> {
      try {
        return send("GET /health/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1));
      } catch (Exception e) {
        return -1;
      }
    }, s -> s == 200);
    assertEquals("0", TestStack.get().postgres().query(
        "SELECT count(*) FROM orders WHERE external_id LIKE 'FUZZ%' OR customer_id LIKE 'FUZZ%'").get(0).get(0));
  }

  @Example
  void anUndecodableRequestGetsAProblemJsonAnswerAndTheConnectionCloses() throws Exception {
    String huge = "GET /v1/atp/SKU-0001 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: " + WEBSHOP + "\r\nX-Pad: "
        + "a".repeat(40_000) + "\r\n\r\n";
    String answer = whole(huge.getBytes(StandardCharsets.ISO_8859_1));
    assertTrue(answer.startsWith("HTTP/1.1 431 "), answer);
    assertTrue(answer.contains("application/problem+json") && answer.contains("\"status\":431"), answer);
    assertTrue(answer.contains("\"title\":\"Request validation failed\""), "VALIDATION_FAILED's one title: " + answer);
    String longLine = "GET /v1/atp/" + "S".repeat(10_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    answer = whole(longLine.getBytes(StandardCharsets.ISO_8859_1));
    // the version of an unread request line is unknown, so Vert.x answers as HTTP/1.0
    assertTrue(answer.matches("(?s)HTTP/1\\.[01] 414 .*") && answer.contains("application/problem+json")
        && answer.contains("\"status\":414"), answer);
    assertTrue(answer.contains("\"title\":\"Request validation failed\""), "VALIDATION_FAILED's one title: " + answer);
  }

  @Example
  void anExpectationOtherThan100ContinueIs417AndABadChunkSizeIsNeverA500() throws Exception {
    String quote = "{\"currency\":\"EUR\",\"lines\":[{\"sku\":\"SKU-0001\",\"quantity\":1}]}";
    String expect = whole(("POST /v1/prices:quote HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: " + WEBSHOP
        + "\r\nContent-Type: application/json\r\nExpect: foo\r\nContent-Length: " + quote.length()
        + "\r\nConnection: close\r\n\r\n" + quote).getBytes(StandardCharsets.ISO_8859_1));
    assertTrue(expect.startsWith("HTTP/1.1 417 "), expect);
    assertTrue(expect.contains("\"code\":\"VALIDATION_FAILED\"") && expect.contains("header:Expect"), expect);

    // Vert.x closes the connection as soon as its decoder fails on the body: no answer can go out
    // then, but it must not be taken (and logged) as a server fault either.
    try (io.tidegate.dev.LogCapture log = io.tidegate.dev.LogCapture.of("io.tidegate.http")) {
      String chunked = whole(("POST /v1/prices:quote HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: " + WEBSHOP
          + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      assertTrue(chunked.isEmpty() || chunked.startsWith("HTTP/1.1 400 "), "the client's error: " + chunked);
      assertTrue(!log.all().contains("unhandled failure"), log.all());
    }
  }

  @Example
  void aQueryStringThatCannotBeDecodedIsA400NamingTheQuery() throws Exception {
    for (String target : List.of("/v1/prices/quotes/q1?c%", "/v1/atp/SKU-0001?location=%zz", "/v1/orders?externalId=%")) {
      String answer = whole(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: " + WEBSHOP
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      assertTrue(answer.startsWith("HTTP/1.1 400 ") && answer.contains("application/problem+json")
          && answer.contains("\"VALIDATION_FAILED\"") && answer.contains("\"query\""), target + " -> " + answer);
    }
  }

  /** Sends a request and reads the whole answer until the server closes the connection. */
  private static String whole(byte[] request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", app.port())) {
      socket.setSoTimeout(10_000);
      try {
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
      } catch (java.io.IOException closedEarly) {
        // answered and closed before everything was sent
      }
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * Bodies are read only on routes that take one, after authentication and the throttle: a request
   * refused before that leaves its body unread, and the next request on the same keep-alive
   * connection must still be read from where that body ends, not from inside it.
   */
  @Example
  void aBodyLeftUnreadDoesNotSpillIntoTheNextRequestOnTheConnection() throws Exception {
    String check = "{\"lines\":[{\"sku\":\"SKU-0001\",\"quantity\":1}],\"pad\":\"" + "GET / HTTP/1.1\\r\\n".repeat(4000)
        + "\"}";
    try (Socket socket = new Socket("127.0.0.1", app.port())) {
      socket.setSoTimeout(10_000);
      // no key: 401 before the body is read
      assertTrue(exchange(socket, "POST /v1/atp:check", "", "application/json", check).startsWith("401 "));
      // a wrong media type: 415 before the body is read
      assertTrue(exchange(socket, "POST /v1/prices:quote", WEBSHOP, "text/plain", check).startsWith("415 "));
      // no such route (and a body it never reads)
      assertTrue(exchange(socket, "POST /v1/nothing-here", WEBSHOP, "application/json", check).startsWith("404 "));
      // the connection is still in step: each request gets its own answer (an unknown SKU named
      // only by it), not one parsed out of an earlier body
      String checked = exchange(socket, "POST /v1/atp:check", WEBSHOP, "application/json",
          "{\"lines\":[{\"sku\":\"SKU-SPILL-1\",\"quantity\":1}]}");
      assertTrue(checked.startsWith("404 ") && checked.contains("unknown SKU 'SKU-SPILL-1'"), checked);
      String got = exchange(socket, "GET /v1/atp/SKU-SPILL-2", WEBSHOP, null, null);
      assertTrue(got.startsWith("404 ") && got.contains("SKU-SPILL-2"), got);
    }
  }

  /** One request on a kept-alive connection; reads its whole answer (Content-Length): "status body". */
  private static String exchange(Socket socket, String requestLine, String key, String contentType, String body)
      throws Exception {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    String head = requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (key.isEmpty() ? "" : "X-Api-Key: " + key + "\r\n")
        + (contentType == null ? "" : "Content-Type: " + contentType + "\r\nContent-Length: " + bytes.length + "\r\n")
        + "\r\n";
    OutputStream out = socket.getOutputStream();
    out.write(concat(head.getBytes(StandardCharsets.ISO_8859_1), bytes));
    out.flush();
    InputStream in = socket.getInputStream();
    int status = -1;
    int length = 0;
    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
      if (status < 0) {
        assertTrue(line.startsWith("HTTP/1.1 "), "status line, got '" + line + "'");
        status = Integer.parseInt(line.substring(9, 12));
      } else if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] answer = in.readNBytes(length);
    assertEquals(length, answer.length, "the whole answer body");
    return status + " " + new String(answer, StandardCharsets.UTF_8);
  }

  private static String readLine(InputStream in) throws java.io.IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  // ---- generators ----

  @Provide
  Arbitrary<String> postTargets() {
    return Arbitraries.of(POST_TARGETS);
  }

  @Provide
  Arbitrary<String> getTargets() {
    return Arbitraries.of(GET_TARGETS);
  }

  @Provide
  Arbitrary<String> contentTypes() {
    return Arbitraries.of("Content-Type: application/json\r\n", "Content-Type: application/json; charset=utf-8\r\n",
        "Content-Type: text/plain\r\n", "", "Content-Type: application/json\r\nContent-Type: text/xml\r\n",
        "Content-Type: \u00ff\u00fe\r\n", "Content-Type: application/x-www-form-urlencoded\r\n");
  }

  @Provide
  Arbitrary<byte[]> bodies() {
    Arbitrary<String> structured = Arbitraries.oneOf(
        Arbitraries.integers().between(1, 5000).map(n -> "[".repeat(n) + "]".repeat(n)),
        Arbitraries.integers().between(1, 5000).map(n -> "{\"a\":".repeat(n) + "1" + "}".repeat(n)),
        Arbitraries.of("1e999999", "-0", "1" + "0".repeat(400), "NaN", "Infinity", "null", "true", "\"\"", "[]", "{}",
            "{\"lines\":[]}", "{\"lines\":null}", "{\"lines\":[{\"sku\":\"SKU-0001\",\"quantity\":1e308}]}",
            "{\"lines\":[{\"sku\":\"SKU-0001\",\"quantity\":-9223372036854775809}]}",
            "{\"lines\":[{\"sku\":\"../../etc/passwd\",\"quantity\":1}],\"currency\":\"EUR\"}",
            "{\"lines\":[{\"sku\":\"SKU-0001\",\"quantity\":1}],\"lines\":[]}",
            "{\"customerId\":\"FUZZ\",\"shipTo\":{},\"lines\":[{\"sku\":\"SKU-0001\",\"quantity\":\"1\"}]}",
            "{\"customerId\":\"FUZZ\",\"externalId\":\"FUZZ-1\",\"shipTo\":{\"name\":\"\\u0000\",\"line1\":\"x\",\"city\":\"x\","
                + "\"postalCode\":\"x\",\"country\":\"nl\"},\"lines\":[{\"sku\":\"SKU-0001\",\"quantity\":1}]}",
            "{\"policies\":[{\"name\":\"atp\",\"quota\":0,\"windowSeconds\":1}]}", "{\"\\ud800\":1}", "\"\\ud800\"",
            "{\"currency\":\"EUR\",\"lines\":[{\"sku\":\"SKU-0001\",\"quantity\":1}],\"at\":\"2026-13-45T99:00:00Z\"}"),
        Arbitraries.strings().ofMaxLength(300),
        Arbitraries.strings().withChars("{}[]\":,0123456789.eE-+ntrufals\\").ofMaxLength(200),
        Arbitraries.strings().ofMinLength(1).ofMaxLength(40).map(s -> "{\"lines\":[{\"sku\":\"" + s
            + "\",\"quantity\":1}],\"currency\":\"" + s + "\",\"customerId\":\"FUZZ\"}"));
    Arbitrary<byte[]> text = structured.map(s -> s.getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, text), net.jqwik.api.Tuple.of(2, raw));
  }

  @Provide
  Arbitrary<String> suffixes() {
    return Arbitraries.oneOf(
        Arbitraries.of("", "/../../etc/passwd", "/..%2f..%2fadmin", "%00", "?location=DC1&location=DC2",
            "?location=%ff%fe", "?" + "a=1&".repeat(2000), "/%2e%2e/%2e%2e/admin/channels", "?externalId=",
            "?limit=-1", "?limit=99999999999999999999", "?limit=abc", "#frag", "//", "/.", ";x=1"),
        Arbitraries.strings().withChars("abc/%.?&=;:@!$'()*+,~-_09").ofMaxLength(60));
  }

  @Provide
  Arbitrary<String> headers() {
    Arbitrary<String> one = Arbitraries.oneOf(
        Arbitraries.of("X-Correlation-Id: " + "x".repeat(5000) + "\r\n", "X-Correlation-Id: \u00e9\u00ff\r\n",
            "X-Api-Key: other\r\n", "X-Api-Key: \r\n", "Accept: */*\r\n", "Content-Length: -1\r\n",
            "Transfer-Encoding: chunked\r\n", "X-Big: " + "y".repeat(20_000) + "\r\n", "Expect: 100-continue\r\n",
            "Idempotency-Key: a\r\nIdempotency-Key: b\r\n"),
        Arbitraries.strings().withChars("abcXYZ-_ 0123:").ofMinLength(1).ofMaxLength(30).map(s -> "X-F" + s + ": v\r\n"));
    return Combinators.combine(one, one).as((a, b) -> a + b);
  }

  // ---- raw HTTP ----

  /** Sends raw bytes; returns the status of the answer, or fails the test after 10 s (a hang). */
  private static int send(byte[] request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", app.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (java.io.IOException closedEarly) {
        // the server may answer (e.g. 431/413) and close before it read everything
      }
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != -1 && b != '\n') {
        line.write(b);
      }
      String status = line.toString(StandardCharsets.ISO_8859_1);
      if (!status.startsWith("HTTP/1.1 ")) {
        // closed without an answer: refused as malformed, or a slow client cut off by the idle time-out
        return status.isEmpty() ? 400 : -1;
      }
      return Integer.parseInt(status.substring(9, 12));
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
