package io.tidegate.http;

import io.tidegate.config.HttpSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One HTTP listener instance. The gateway deploys one per core; they share the port and the
 * injected read models, and each builds its own router.
 */
public final class HttpServerVerticle extends VerticleBase {

  private final HttpSettings settings;
  private final int port;
  private final Function<Vertx, Future<Router>> routerFactory;
  private HttpServer server;

  public HttpServerVerticle(HttpSettings settings, int port, Function<Vertx, Future<Router>> routerFactory) {
    this.settings = settings;
    this.port = port;
    this.routerFactory = routerFactory;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(settings.host())
        .setPort(port)
        .setIdleTimeout(settings.idleTimeoutSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setMaxHeaderSize(settings.maxHeaderSizeBytes())
        .setMaxInitialLineLength(8192)
        .setAcceptBacklog(settings.acceptBacklog())
        .setCompressionSupported(false);
    return routerFactory.apply(vertx)
        .compose(router -> vertx.createHttpServer(options).requestHandler(request -> {
          // vertx-web decodes the path on demand and throws on a broken %-escape, even inside its
          // own error handling: refuse such a request before it reaches the router.
          if (wellEscaped(request.path())) {
            router.handle(request);
          } else {
            ErrorHandler.malformedPath(request);
          }
        }).listen())
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
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
