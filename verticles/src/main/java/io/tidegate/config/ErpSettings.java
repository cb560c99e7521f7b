package io.tidegate.config;

/**
 * The ERP's HTTP API and how orders are drained into it.
 *
 * @param baseUrl              where {@code POST /orders} lives
 * @param ratePerSecond        orders posted per second at most, per gateway process (sustained)
 * @param burst                calls that may go at once when the pace fell behind (a token bucket of this
 *                             size refilled at {@code ratePerSecond}); 1 = strictly evenly spaced
 * @param concurrency          ERP calls in flight at most, per gateway process
 * @param timeoutMs            one ERP call not answered within this counts as failed (and is retried)
 * @param maxAttempts          attempts for 5xx/time-outs before the order is dead-lettered
 * @param backoffInitialMs     first retry delay; doubled per attempt, with full jitter
 * @param backoffMaxMs         retry delays never exceed this (nor the ERP's Retry-After cap)
 * @param breakerFailures      consecutive failures that open the circuit breaker
 * @param breakerResetMs       an open breaker lets one probe through after this
 * @param posterGroup          Kafka consumer group of the poster (one per deployment, not per process)
 */
public record ErpSettings(String baseUrl, int ratePerSecond, int burst, int concurrency, int timeoutMs, int maxAttempts,
                          int backoffInitialMs, int backoffMaxMs, int breakerFailures, int breakerResetMs,
                          String posterGroup) {

  public ErpSettings {
    if (baseUrl == null || !baseUrl.matches("https?://[^\\s]+")) {
      throw ConfigException.invalid("erp.baseUrl", Secrets.maskUrl(baseUrl), "an http(s) URL such as http://127.0.0.1:8090");
    }
    Check.range("erp.ratePerSecond", ratePerSecond, 1, 100_000);
    Check.range("erp.burst", burst, 1, 100_000);
    Check.range("erp.concurrency", concurrency, 1, 1024);
    Check.range("erp.timeoutMs", timeoutMs, 100, 300_000);
    Check.range("erp.maxAttempts", maxAttempts, 1, 100);
    Check.range("erp.backoffInitialMs", backoffInitialMs, 1, 600_000);
    Check.range("erp.backoffMaxMs", backoffMaxMs, backoffInitialMs, 3_600_000);
    Check.range("erp.breakerFailures", breakerFailures, 1, 1000);
    Check.range("erp.breakerResetMs", breakerResetMs, 100, 600_000);
    Check.notBlank("erp.posterGroup", posterGroup);
  }

  /** As the record's, with credentials in {@code baseUrl} (user info, query) masked. */
  @Override
  public String toString() {
    return "ErpSettings[baseUrl=" + Secrets.maskUrl(baseUrl) + ", ratePerSecond=" + ratePerSecond + ", burst=" + burst
        + ", concurrency="
        + concurrency + ", timeoutMs=" + timeoutMs + ", maxAttempts=" + maxAttempts + ", backoffInitialMs="
        + backoffInitialMs + ", backoffMaxMs=" + backoffMaxMs + ", breakerFailures=" + breakerFailures
        + ", breakerResetMs=" + breakerResetMs + ", posterGroup=" + posterGroup + "]";
  }
}
