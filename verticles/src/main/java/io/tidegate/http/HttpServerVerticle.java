package io.tidegate.http;

import io.tidegate.config.HttpSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One HTTP listener instance. The gateway deploys one per core for the public listener (and one
 * for the admin listener when it has its own port); instances of a listener share its port, its
 * connection budget and the injected read models, and each builds its own router. HTTP/1.1 only,
 * with TLS from PEM files when configured.
 */
public final class HttpServerVerticle extends VerticleBase {

  private final HttpSettings settings;
  private final String host;
  private final int port;
  private final Function<Vertx, Future<Router>> routerFactory;
  private final ConnectionGuard.Budget budget;
  private ConnectionGuard guard;
  private HttpServer server;

  /**
   * @param host   the interface to bind (the public or the admin listener's)
   * @param budget the open-connection budget shared by every instance of this listener
   */
  public HttpServerVerticle(HttpSettings settings, String host, int port, Function<Vertx, Future<Router>> routerFactory,
                            ConnectionGuard.Budget budget) {
    this.settings = settings;
    this.host = host;
    this.port = port;
    this.routerFactory = routerFactory;
    this.budget = budget;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(host)
        .setPort(port)
        .setIdleTimeout(settings.idleTimeoutSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setMaxHeaderSize(settings.maxHeaderSizeBytes())
        .setMaxInitialLineLength(8192)
        .setAcceptBacklog(settings.acceptBacklog())
        .setCompressionSupported(false)
        // No h2c sniffing: without it Vert.x waits for a connection's first bytes before it even
        // reports the connection, so a silent connection would escape the cap and the read time-out.
        .setHttp2ClearTextEnabled(false)
        .setSslHandshakeTimeout(settings.requestReadTimeoutSeconds())
        .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
    if (settings.tls().enabled()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(settings.tls().certPath())
          .setKeyPath(settings.tls().keyPath()));
    }
    guard = new ConnectionGuard(vertx, budget, settings.requestReadTimeoutSeconds(), System::nanoTime);
    return routerFactory.apply(vertx)
        .compose(router -> vertx.createHttpServer(options).connectionHandler(guard::opened)
            .invalidRequestHandler(ErrorHandler::undecodable).requestHandler(request -> {
          if (!guard.received(request)) {
            return;
          }
          // vertx-web decodes the path on demand and throws on a broken %-escape, even inside its
          // own error handling: refuse such a request before it reaches the router.
          if (wellEscaped(request.path())) {
            router.handle(request);
          } else {
            ErrorHandler.malformedPath(request);
          }
        }).listen())
        .onSuccess(s -> {
          server = s;
          guard.start();
        });
  }

  @Override
  public Future<?> stop() {
    if (guard != null) {
      guard.stop();
    }
    return server == null ? Future.succeededFuture() : server.shutdown();
  }

  /** Every '%' is followed by two hex digits. */
  static boolean wellEscaped(String path) {
    if (path == null) {
      return false;
    }
    for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
      if (i + 2 >= path.length() || Character.digit(path.charAt(i + 1), 16) < 0
          || Character.digit(path.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  public int actualPort() {
    return server.actualPort();
  }
}
