package io.tidegate.config;

/**
 * A configuration value that cannot be used. The message always names the key, the value
 * (masked when it is a secret) and what was expected, so an operator can fix it without
 * reading code.
 */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }

  public static ConfigException invalid(String key, Object value, String expected) {
    return new ConfigException("invalid configuration: key '" + key + "' has value '" + value
        + "', expected " + expected);
  }
}
