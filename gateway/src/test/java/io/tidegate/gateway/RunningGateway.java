package io.tidegate.gateway;

import io.tidegate.dev.Http;
import io.tidegate.dev.TestStack;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A gateway on the shared test stack for the tests of one class, started (and ready) before the
 * first and stopped after the last: {@code @RegisterExtension static final RunningGateway GATEWAY = new RunningGateway();}
 * then {@code GATEWAY.http().get(...)}.
 */
final class RunningGateway implements BeforeAllCallback, AfterAllCallback {

  private final Map<String, String> env;
  private GatewayApp app;
  private Http http;

  /** With the test stack's configuration. */
  RunningGateway() {
    this(Map.of());
  }

  /** With these environment overrides on top of the test stack's configuration. */
  RunningGateway(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    app = GatewayApp.start(TestStack.get().config(env)).await();
    http = new Http(app.port());
    awaitReady(http);
  }

  /** Until {@code /health/ready} is 200: the read models are loaded (before, their routes answer 503). */
  static void awaitReady(Http http) {
    io.tidegate.dev.Eventually.await(java.time.Duration.ofSeconds(60), "/health/ready = 200",
        () -> http.get("/health/ready").status(), status -> status == 200);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (app != null) {
      app.stop().await();
    }
  }

  GatewayApp app() {
    return app;
  }

  /** A client of its public listener. */
  Http http() {
    return http;
  }
}
