package io.tidegate.config;

/**
 * The public HTTP listener.
 *
 * @param instances HTTP verticle instances; 0 means one per available core
 */
public record HttpSettings(String host, int port, int instances, int bodyLimitBytes,
                           int idleTimeoutSeconds, int maxHeaderSizeBytes, int acceptBacklog) {

  public HttpSettings {
    Check.notBlank("http.host", host);
    Check.range("http.port", port, 0, 65535);
    Check.range("http.instances", instances, 0, 256);
    Check.range("http.bodyLimitBytes", bodyLimitBytes, 1024, 64 * 1024 * 1024);
    Check.range("http.idleTimeoutSeconds", idleTimeoutSeconds, 1, 3600);
    Check.range("http.maxHeaderSizeBytes", maxHeaderSizeBytes, 1024, 1024 * 1024);
    Check.range("http.acceptBacklog", acceptBacklog, 1, 65535);
  }

  public int effectiveInstances() {
    return instances > 0 ? instances : Runtime.getRuntime().availableProcessors();
  }
}
