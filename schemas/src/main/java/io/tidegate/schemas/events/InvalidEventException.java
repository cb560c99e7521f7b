package io.tidegate.schemas.events;

/**
 * A record value that is not a valid event: not JSON, not an envelope, an unknown type or
 * schema version, or data that violates its schema. Such a record goes to the feed's
 * dead-letter topic; it must never stop a consumer.
 *
 * <p>Carries no stack trace (it is expected input, not a bug) so floods of bad records stay cheap.
 */
public final class InvalidEventException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String reason;

  public InvalidEventException(String reason) {
    super(reason, null, false, false);
    this.reason = reason;
  }

  /**
   * Short, human-readable cause naming the failing JSON pointer(s), e.g.
   * {@code "/data/onHand: value -1 is below the minimum 0"}; fit for a DLQ header or a log line.
   */
  public String reason() {
    return reason;
  }
}
