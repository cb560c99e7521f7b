package io.tidegate.config;

/**
 * Available-to-promise read model.
 *
 * @param staleAfterSeconds answers are flagged {@code stale: true} when the inventory feed has not
 *                          been confirmed in sync for longer than this
 * @param lagCheckIntervalMs how often the feed consumer compares its position with the log end
 */
public record AtpSettings(int staleAfterSeconds, int lagCheckIntervalMs) {

  public AtpSettings {
    Check.range("atp.staleAfterSeconds", staleAfterSeconds, 1, 86_400);
    Check.range("atp.lagCheckIntervalMs", lagCheckIntervalMs, 100, 60_000);
  }
}
