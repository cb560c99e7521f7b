package io.tidegate.config;

import java.util.List;

/**
 * A sales channel (webshop, marketplace, EDI partner). API keys are stored only as SHA-256
 * hashes; several hashes allow key rotation without downtime.
 */
public record ChannelSettings(String name, List<String> apiKeyHashes) {

  public ChannelSettings {
    if (name == null || !name.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
      throw ConfigException.invalid("channels", name, "a channel name of lowercase letters, digits, '-' or '_'");
    }
    apiKeyHashes = Check.keyHashes("channels." + name + ".apiKeyHashes", apiKeyHashes);
  }
}
