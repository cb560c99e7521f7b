package io.tidegate.gateway;

import static io.tidegate.gateway.GatewayHttpTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidegate.dev.Http.Answer;
import io.tidegate.dev.TestStack;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the HTTP listener from PEM files: a self-signed certificate made with {@code openssl} at
 * test time, a client that trusts it gets answers over HTTPS; a client that does not, or one that
 * speaks plain HTTP to the port, gets nothing.
 */
class TlsTest {

  @TempDir
  static Path dir;
  private static GatewayApp app;
  private static HttpClient trusting;

  @BeforeAll
  static void start() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
    String output = new String(openssl.getInputStream().readAllBytes());
    assertTrue(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0, "openssl failed: " + output);
    app = GatewayApp.start(TestStack.get().config(Map.of("TIDEGATE_HTTP_TLS_CERT_PATH", cert.toString(),
        "TIDEGATE_HTTP_TLS_KEY_PATH", key.toString()))).await();
    trusting = HttpClient.newBuilder().sslContext(trusting(cert)).connectTimeout(Duration.ofSeconds(5)).build();
    io.tidegate.dev.Eventually.await(Duration.ofSeconds(60), "/health/ready = 200",
        () -> {
          try {
            return get(trusting, "https", "/health/ready").statusCode();
          } catch (IOException e) {
            return -1;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
          }
        }, status -> status == 200);
  }

  @AfterAll
  static void stop() {
    app.stop().await();
  }

  @Test
  void aClientThatTrustsTheCertificateIsServedOverHttps() throws Exception {
    assertEquals(200, get(trusting, "https", "/health/live").statusCode());
    HttpResponse<String> atp = get(trusting, "https", "/v1/atp/SKU-TLS-NONE", "X-Api-Key", "dev-webshop-key");
    assertProblem(new Answer(atp.statusCode(), atp.headers(), atp.body()), 404, "NOT_FOUND");
    HttpResponse<String> noKey = get(trusting, "https", "/v1/atp/SKU-TLS-NONE");
    assertProblem(new Answer(noKey.statusCode(), noKey.headers(), noKey.body()), 401, "UNAUTHORIZED");
  }

  @Test
  void anUntrustingClientAndPlainHttpGetNothing() {
    HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThrows(SSLHandshakeException.class, () -> get(untrusting, "https", "/health/live"));
    assertThrows(IOException.class, () -> get(untrusting, "http", "/health/live"));
  }

  private static HttpResponse<String> get(HttpClient client, String scheme, String path, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + app.port() + path))
        .timeout(Duration.ofSeconds(15)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static SSLContext trusting(Path cert) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      trust.setCertificateEntry("tidegate-test", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
