package io.tidegate.config;

import java.util.List;

/** The operator API under /admin, reached with its own key(s). */
public record AdminSettings(List<String> apiKeyHashes) {

  public AdminSettings {
    apiKeyHashes = Check.keyHashes("admin.apiKeyHashes", apiKeyHashes);
  }
}
