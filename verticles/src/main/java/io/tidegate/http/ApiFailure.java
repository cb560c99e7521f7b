package io.tidegate.http;

import java.util.List;
import java.util.Map;

/**
 * A failure a client is meant to see. Handlers fail their future (or the routing context) with
 * one of the subclasses; {@link ErrorHandler} is the only place that turns them into
 * {@code application/problem+json}. The stable {@code code} is part of the public contract.
 */
public abstract class ApiFailure extends RuntimeException {

  /** One bad field: an RFC 6901 JSON pointer into the request and what is wrong with it. */
  public record FieldError(String pointer, String message) {
  }

  private final int status;
  private final String code;
  private final String title;
  private final List<FieldError> errors;
  private final long retryAfterSeconds;

  protected ApiFailure(int status, String code, String title, String detail, List<FieldError> errors,
                       long retryAfterSeconds) {
    super(detail, null, false, false);
    this.status = status;
    this.code = code;
    this.title = title;
    this.errors = List.copyOf(errors);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  public List<FieldError> errors() {
    return errors;
  }

  /** Seconds for the {@code Retry-After} header, or 0 for none. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** Extra RFC 9457 members of this problem (e.g. {@code violated-policies}); none by default. */
  public Map<String, Object> extensions() {
    return Map.of();
  }

  public static final class Unauthorized extends ApiFailure {
    private final String challenge;

    public Unauthorized(String detail) {
      this(detail, null);
    }

    /** @param challenge the {@code WWW-Authenticate} value (RFC 6750 for bearer tokens), or null */
    public Unauthorized(String detail, String challenge) {
      super(401, "UNAUTHORIZED", "Unauthorized", detail, List.of(), 0);
      this.challenge = challenge;
    }

    public String challenge() {
      return challenge;
    }
  }

  public static final class ValidationFailed extends ApiFailure {
    /** The one title of {@code VALIDATION_FAILED}, whatever its status (400, 414, 431). */
    public static final String TITLE = "Request validation failed";

    public ValidationFailed(String detail, List<FieldError> errors) {
      super(400, "VALIDATION_FAILED", TITLE, detail, errors, 0);
    }

    public ValidationFailed(String pointer, String message) {
      this(message, List.of(new FieldError(pointer, message)));
    }
  }

  public static final class NotFound extends ApiFailure {
    public NotFound(String detail) {
      this(detail, List.of());
    }

    public NotFound(String detail, List<FieldError> errors) {
      super(404, "NOT_FOUND", "Not found", detail, errors, 0);
    }
  }

  public static final class MethodNotAllowed extends ApiFailure {
    public MethodNotAllowed(String detail) {
      super(405, "METHOD_NOT_ALLOWED", "Method not allowed", detail, List.of(), 0);
    }
  }

  /** An {@code Expect} other than {@code 100-continue}: 417 (RFC 9110), a validation failure of that header. */
  public static final class ExpectationFailed extends ApiFailure {
    public ExpectationFailed(String expect) {
      super(417, "VALIDATION_FAILED", ValidationFailed.TITLE, "Expect: '" + expect + "' cannot be met; only"
          + " 100-continue is supported", List.of(new FieldError("header:Expect", "only 100-continue")), 0);
    }
  }

  public static final class PayloadTooLarge extends ApiFailure {
    public PayloadTooLarge(long limitBytes) {
      super(413, "PAYLOAD_TOO_LARGE", "Payload too large",
          "The request body exceeds the limit of " + limitBytes + " bytes", List.of(), 0);
    }
  }

  public static final class UnsupportedMediaType extends ApiFailure {
    public UnsupportedMediaType(String contentType) {
      super(415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported media type", contentType == null
          ? "Content-Type application/json is required, and the request has none"
          : "Content-Type must be application/json (UTF-8), got '" + contentType + "'", List.of(), 0);
    }
  }

  public static final class RateLimited extends ApiFailure {
    private final List<String> violatedPolicies;

    public RateLimited(String detail, long retryAfterSeconds) {
      this(detail, retryAfterSeconds, List.of());
    }

    /** @param violatedPolicies names of the exceeded policies, rendered as {@code violated-policies} */
    public RateLimited(String detail, long retryAfterSeconds, List<String> violatedPolicies) {
      super(429, "RATE_LIMITED", "Too many requests", detail, List.of(), retryAfterSeconds);
      this.violatedPolicies = List.copyOf(violatedPolicies);
    }

    public List<String> violatedPolicies() {
      return violatedPolicies;
    }

    @Override
    public Map<String, Object> extensions() {
      return violatedPolicies.isEmpty() ? Map.of() : Map.of("violated-policies", violatedPolicies);
    }
  }

  public static final class Overloaded extends ApiFailure {
    public Overloaded(String detail, long retryAfterSeconds) {
      super(503, "OVERLOADED", "Overloaded", detail, List.of(), retryAfterSeconds);
    }
  }

  public static final class DependencyUnavailable extends ApiFailure {
    public DependencyUnavailable(String detail, long retryAfterSeconds) {
      super(503, "DEPENDENCY_UNAVAILABLE", "Dependency unavailable", detail, List.of(), retryAfterSeconds);
    }
  }

  /** An operation of the OpenAPI document that this build does not serve yet. */
  public static final class IdempotencyKeyReused extends ApiFailure {
    public IdempotencyKeyReused() {
      super(422, "IDEMPOTENCY_KEY_REUSED", "Idempotency key reused",
          "This Idempotency-Key was used for a different request body; use a new key for a new request",
          List.of(), 0);
    }
  }

  public static final class IdempotencyKeyInUse extends ApiFailure {
    public IdempotencyKeyInUse() {
      super(409, "IDEMPOTENCY_KEY_IN_USE", "Idempotency key in use",
          "A request with this Idempotency-Key is still being processed; retry shortly", List.of(), 1);
    }
  }

  /** Order intake under a channel's {@code reject} ATP policy: a line stock cannot cover. */
  public static final class InsufficientStock extends ApiFailure {
    public InsufficientStock(List<FieldError> errors) {
      super(422, "INSUFFICIENT_STOCK", "Insufficient stock",
          "Stock cannot cover " + errors.size() + " line(s); nothing was accepted", errors, 0);
    }
  }

  public static final class NotImplemented extends ApiFailure {
    public NotImplemented(String operationId) {
      super(501, "NOT_IMPLEMENTED", "Not implemented",
          "Operation '" + operationId + "' is in the contract but not served by this version", List.of(), 0);
    }
  }
}
