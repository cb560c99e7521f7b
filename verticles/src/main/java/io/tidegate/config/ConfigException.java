package io.tidegate.config;

/**
 * A configuration value that cannot be used. The message always names the key, the value
 * (masked when it is a secret) and what was expected, so an operator can fix it without
 * reading code.
 */
public final class ConfigException extends RuntimeException {

  private final String key;

  public ConfigException(String message) {
    this(message, null);
  }

  private ConfigException(String message, String key) {
    super(message);
    this.key = key;
  }

  public static ConfigException invalid(String key, Object value, String expected) {
    return new ConfigException("invalid configuration: key '" + key + "' has value '" + value
        + "', expected " + expected, key);
  }

  /** The key the value was given under (e.g. {@code policies[0].name}), or null when the message names none. */
  public String key() {
    return key;
  }
}
