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

  /** {@code what} (e.g. "configuration file 'x.yaml'") does not parse as YAML: where, and why. */
  public static ConfigException notYaml(String what, java.io.IOException e) {
    String where = "";
    String why = e.getMessage();
    if (e instanceof com.fasterxml.jackson.core.JsonProcessingException parse) {
      why = parse.getOriginalMessage();
      if (parse.getLocation() != null && parse.getLocation().getLineNr() > 0) {
        where = " at line " + parse.getLocation().getLineNr() + ", column " + parse.getLocation().getColumnNr();
      }
    }
    return new ConfigException(what + " is not valid YAML" + where + ": "
        + (why == null ? e.getClass().getSimpleName() : why.lines().findFirst().orElse("")));
  }

  /** The key the value was given under (e.g. {@code policies[0].name}), or null when the message names none. */
  public String key() {
    return key;
  }
}
