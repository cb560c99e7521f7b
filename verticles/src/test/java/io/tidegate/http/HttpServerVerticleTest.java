package io.tidegate.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidegate.config.HttpSettings;
import io.tidegate.config.TlsSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A TLS key file that cannot be used stops the listener without its content reaching the error. */
class HttpServerVerticleTest {

  @TempDir
  Path dir;

  @Test
  void anUnusableTlsKeyFailsStartUpWithoutEchoingTheKey() throws Exception {
    String marker = "SECRET-KEY-MATERIAL-4711";
    Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n" + marker
        + "\n-----END PRIVATE KEY-----\n");
    Path cert = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\n" + marker
        + "\n-----END CERTIFICATE-----\n");
    HttpSettings settings = new HttpSettings("127.0.0.1", 0, 1, 262_144, 30, 16_384, 128, 100, 10, 0,
        new TlsSettings(cert.toString(), key.toString()));
    Vertx vertx = Vertx.vertx();
    try {
      Exception e = assertThrows(Exception.class, () -> vertx.deployVerticle(new HttpServerVerticle(settings,
          "127.0.0.1", 0, v -> Future.succeededFuture(Router.router(v)),
          new ConnectionGuard.Budget("public", 100, new SimpleMeterRegistry()))).await());
      for (Throwable t = e; t != null; t = t.getCause()) {
        assertFalse(String.valueOf(t.getMessage()).contains(marker), t.toString());
      }
    } finally {
      vertx.close().await();
    }
  }
}
