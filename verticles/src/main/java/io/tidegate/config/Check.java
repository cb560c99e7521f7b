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

  /**
   * Key hashes as {@code sha256:<64 lowercase hex>}. A bad entry is named by its index, never echoed:
   * it may be a plain-text key pasted by mistake.
   */
  static List<String> keyHashes(String key, List<String> hashes, boolean mayBeEmpty) {
    if (hashes == null || hashes.isEmpty()) {
      if (mayBeEmpty) {
        return List.of();
      }
      throw ConfigException.invalid(key, "[]", "at least one key hash 'sha256:<64 hex digits>'");
    }
    for (int i = 0; i < hashes.size(); i++) {
      String hash = hashes.get(i);
      if (hash == null || !hash.matches("sha256:[0-9a-f]{64}")) {
        throw ConfigException.invalid(key + "[" + i + "]", "****", "a key hash 'sha256:<64 lowercase hex digits>'"
            + " (print one with: printf %s 'the-key' | sha256sum)");
      }
    }
    return List.copyOf(hashes);
  }
}
