package io.tidegate.schemas.events;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The value of every Kafka record: envelope fields plus the typed {@code data}.
 * The constructor guarantees that {@code (type, schemaVersion)} is a known {@link EventType}
 * and that {@code data} is its record.
 *
 * @param eventId       unique per event; consumers drop duplicates by it
 * @param occurredAt    when the fact happened
 * @param correlationId of the request or process that caused it
 * @param source        producer, e.g. {@code gateway}
 */
public record EventEnvelope<T extends EventData>(
  UUID eventId,
  String type,
  int schemaVersion,
  Instant occurredAt,
  String correlationId,
  String source,
  T data) {

  public EventEnvelope {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(correlationId, "correlationId");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(data, "data");
    EventType eventType = EventType.find(type, schemaVersion)
      .orElseThrow(() -> new IllegalArgumentException("unknown event type " + type + " v" + schemaVersion));
    if (!eventType.dataClass().isInstance(data)) {
      throw new IllegalArgumentException(
        type + " v" + schemaVersion + " needs " + eventType.dataClass().getSimpleName()
          + ", not " + data.getClass().getSimpleName());
    }
  }

  /** A new event with a random {@code eventId}, occurring now. */
  public static <T extends EventData> EventEnvelope<T> of(EventType type, String correlationId, String source, T data) {
    return new EventEnvelope<>(UUID.randomUUID(), type.typeName(), type.schemaVersion(), Instant.now(),
      correlationId, source, data);
  }

  /** The event type (never fails: checked on construction). */
  @JsonIgnore
  public EventType eventType() {
    return EventType.find(type, schemaVersion).orElseThrow();
  }

  /** The topic this event belongs on. */
  @JsonIgnore
  public String topic() {
    return eventType().topic();
  }

  /** The Kafka record key: the entity id of {@code data}. */
  @JsonIgnore
  public String key() {
    return data.key();
  }
}
