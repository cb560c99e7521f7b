package io.tidegate.throttle;

/**
 * How many requests of a route class may be in flight at once. The load shedder asks for the
 * current value on every request and reports the latency of every admitted request back, so an
 * adaptive implementation can learn from it; a fixed one ignores the samples.
 */
public interface ConcurrencyLimit {

  /** The limit now. */
  int current();

  /**
   * One admitted request completed.
   *
   * @param rttNanos  its latency, from admission to the end of the response
   * @param inFlight  how many requests of the route class were in flight when it was admitted
   */
  void onSample(long rttNanos, int inFlight);

  /** A limit that never moves. */
  static ConcurrencyLimit fixed(int limit) {
    return new ConcurrencyLimit() {
      @Override
      public int current() {
        return limit;
      }

      @Override
      public void onSample(long rttNanos, int inFlight) {
      }

      @Override
      public String toString() {
        return "fixed(" + limit + ")";
      }
    };
  }
}
