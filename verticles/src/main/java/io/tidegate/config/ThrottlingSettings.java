package io.tidegate.config;

/**
 * Where the channel throttles live ({@code io.tidegate.throttle}).
 *
 * @param enabled          false turns throttling and load shedding off (benchmarks compare both)
 * @param file             the throttle file, re-read while the gateway runs
 * @param reloadIntervalMs how often the file is checked for changes
 */
public record ThrottlingSettings(boolean enabled, String file, int reloadIntervalMs) {

  public ThrottlingSettings {
    Check.notBlank("throttling.file", file);
    Check.range("throttling.reloadIntervalMs", reloadIntervalMs, 200, 600_000);
  }
}
