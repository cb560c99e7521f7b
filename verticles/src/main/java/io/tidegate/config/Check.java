package io.tidegate.config;

import java.util.List;

/** Small validation helpers used by the config records' compact constructors. */
final class Check {

  private Check() {
  }

  static int range(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw ConfigException.invalid(key, value, "an integer from " + min + " to " + max);
    }
    return value;
  }

  static long range(String key, long value, long min, long max) {
    if (value < min || value > max) {
      throw ConfigException.invalid(key, value, "an integer from " + min + " to " + max);
    }
    return value;
  }

  static String notBlank(String key, String value) {
    if (value == null || value.isBlank()) {
      throw ConfigException.invalid(key, value, "a non-empty string");
    }
    return value;
  }

  static List<String> keyHashes(String key, List<String> hashes) {
    if (hashes == null || hashes.isEmpty()) {
      throw ConfigException.invalid(key, "[]", "at least one key hash 'sha256:<64 hex digits>'");
    }
    for (String hash : hashes) {
      if (hash == null || !hash.matches("sha256:[0-9a-f]{64}")) {
        throw ConfigException.invalid(key, mask(hash), "a key hash 'sha256:<64 lowercase hex digits>'"
            + " (print one with: printf %s 'the-key' | sha256sum)");
      }
    }
    return List.copyOf(hashes);
  }

  static String mask(String secret) {
    if (secret == null) {
      return "null";
    }
    return secret.startsWith("sha256:") && secret.length() > 12 ? secret.substring(0, 12) + "****" : "****";
  }
}
