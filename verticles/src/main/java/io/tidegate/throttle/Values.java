package io.tidegate.throttle;

import io.tidegate.config.ConfigException;

/** Range checks shared by the throttle records and the file parser; messages name key, value and range. */
final class Values {

  private Values() {
  }

  static int range(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw ConfigException.invalid(key, value, "an integer from " + min + " to " + max);
    }
    return value;
  }
}
