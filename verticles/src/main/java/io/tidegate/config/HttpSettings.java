package io.tidegate.config;

/**
 * The public HTTP listener.
 *
 * @param instances                 HTTP verticle instances; 0 means one per available core
 * @param maxConnections            open connections per process; one beyond it is closed at once
 * @param requestReadTimeoutSeconds a connection must deliver a whole request (head and body) within
 *                                  this long of opening or of its previous response, else it is
 *                                  closed (slow clients, slowloris); also the TLS handshake bound
 * @param shutdownDrainSeconds      on SIGTERM, how long {@code /health/ready} answers 503 while the
 *                                  listeners still serve, so load balancers stop sending traffic
 *                                  before the listeners close (0: close at once)
 * @param tls                       PEM certificate and key; {@link TlsSettings#OFF} for plain HTTP
 */
public record HttpSettings(String host, int port, int instances, int bodyLimitBytes,
                           int idleTimeoutSeconds, int maxHeaderSizeBytes, int acceptBacklog,
                           int maxConnections, int requestReadTimeoutSeconds, int shutdownDrainSeconds,
                           TlsSettings tls) {

  public HttpSettings {
    Check.notBlank("http.host", host);
    Check.range("http.port", port, 0, 65535);
    Check.range("http.instances", instances, 0, 256);
    Check.range("http.bodyLimitBytes", bodyLimitBytes, 1024, 64 * 1024 * 1024);
    Check.range("http.idleTimeoutSeconds", idleTimeoutSeconds, 1, 3600);
    Check.range("http.maxHeaderSizeBytes", maxHeaderSizeBytes, 1024, 1024 * 1024);
    Check.range("http.acceptBacklog", acceptBacklog, 1, 65535);
    Check.range("http.maxConnections", maxConnections, 1, 1_000_000);
    Check.range("http.requestReadTimeoutSeconds", requestReadTimeoutSeconds, 1, 3600);
    Check.range("http.shutdownDrainSeconds", shutdownDrainSeconds, 0, MAX_SHUTDOWN_DRAIN_SECONDS);
    if (tls == null) {
      tls = TlsSettings.OFF;
    }
  }

  /** Upper bound of {@code http.shutdownDrainSeconds}; the process's stop allows for it. */
  public static final int MAX_SHUTDOWN_DRAIN_SECONDS = 120;

  public int effectiveInstances() {
    return instances > 0 ? instances : Runtime.getRuntime().availableProcessors();
  }

  /** {@code https} or {@code http}. */
  public String scheme() {
    return tls.enabled() ? "https" : "http";
  }
}
