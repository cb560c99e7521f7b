package io.tidegate.config;

import java.util.List;

/**
 * The operator API under /admin, reached with its own key(s), optionally on its own listener.
 *
 * @param port 0: /admin is served by the public listener; otherwise /admin is served only on this
 *             port (and is 404 on the public one), so it can be kept off the public network
 * @param host the interface of the admin listener; empty means {@code http.host}
 */
public record AdminSettings(List<String> apiKeyHashes, String host, int port) {

  public AdminSettings {
    apiKeyHashes = Check.keyHashes("admin.apiKeyHashes", apiKeyHashes, false);
    host = host == null ? "" : host.trim();
    Check.range("admin.port", port, 0, 65535);
  }

  public AdminSettings(List<String> apiKeyHashes) {
    this(apiKeyHashes, "", 0);
  }

  /** True when /admin has a listener of its own. */
  public boolean ownListener() {
    return port != 0;
  }
}
