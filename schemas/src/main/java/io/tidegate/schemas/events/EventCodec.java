package io.tidegate.schemas.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns {@link EventEnvelope}s into Kafka record values and back, validating both the envelope
 * ({@code events/envelope.schema.json}) and the data (the schema of its type and version).
 *
 * <p>Thread-safe; build one per process and share it. The constructor reads and compiles the
 * schemas from the class path (blocking: call it at start-up, off the event loop).
 *
 * <p>The schemas are compiled once into {@link CompiledSchema}s that run on the Jackson tree of
 * the record; a valid record costs one parse, one short-circuiting pass per schema and one
 * tree-to-record mapping. Only an invalid record pays for a second, reporting pass.
 */
public final class EventCodec {

  static final String SCHEMA_BASE = "https://tidegate.io/schemas/events/";
  static final String ENVELOPE_RESOURCE = "events/envelope.schema.json";
  private static final int MAX_REASON_ERRORS = 5;
  private static final int MAX_REASON_LENGTH = 500;

  private final ObjectMapper mapper;
  private final CompiledSchema envelope;
  private final Map<EventType, CompiledSchema> dataSchemas = new EnumMap<>(EventType.class);
  private final Map<EventType, ObjectReader> dataReaders = new EnumMap<>(EventType.class);
  /** Per version, the data fields its schema names: the only ones mapped (see {@link EventType}). */
  private final Map<EventType, Set<String>> dataFields = new EnumMap<>(EventType.class);

  public EventCodec() {
    this.mapper = newMapper();
    CompiledSchema.Compiler compiler = new CompiledSchema.Compiler();
    compiler.add(readSchema(ENVELOPE_RESOURCE));
    for (EventType type : EventType.values()) {
      JsonNode schema = readSchema(type.schemaResource());
      compiler.add(schema);
      Set<String> fields = new HashSet<>();
      schema.path("properties").fieldNames().forEachRemaining(fields::add);
      dataFields.put(type, Set.copyOf(fields));
    }
    this.envelope = compiler.compile(SCHEMA_BASE + "envelope.schema.json");
    for (EventType type : EventType.values()) {
      dataSchemas.put(type, compiler.compile(SCHEMA_BASE + type.typeName() + ".v" + type.schemaVersion() + ".schema.json"));
      dataReaders.put(type, mapper.readerFor(type.dataClass()));
    }
  }

  /**
   * The record value of an event: UTF-8 JSON, money as decimal strings, times as RFC 3339.
   *
   * @throws IllegalArgumentException if the event violates its schema (a producer bug: such an
   *                                  event must never be published)
   */
  public byte[] encode(EventEnvelope<?> event) {
    JsonNode tree = mapper.valueToTree(event);
    try {
      EventType type = check(tree);
      // A producer on an older version writes only that version's fields.
      ((ObjectNode) tree).set("data", ownFields(type, tree.get("data")));
    } catch (InvalidEventException e) {
      throw new IllegalArgumentException("refusing to encode an invalid event: " + e.reason());
    }
    try {
      return mapper.writeValueAsBytes(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialize " + event.type() + ": " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Parses and validates a record value and maps its data to the record of its type.
   *
   * @throws InvalidEventException for anything that is not a valid event of a known type and
   *                               version (including null, empty or non-JSON bytes); the reason
   *                               names the failing JSON pointer(s)
   */
  public EventEnvelope<?> decode(byte[] value) throws InvalidEventException {
    JsonNode root = parse(value);
    return toEnvelope(root, check(root));
  }

  /**
   * As {@link #decode(byte[])}, for a record another system produced onto a feed: an envelope field
   * it left out is filled in instead of failing the record (a present field must still be valid).
   * The contract's own examples of feed records carry only {@code type}, {@code schemaVersion} and
   * {@code data}. Filled in: {@code eventId}, a UUID derived from the record's bytes (so identical
   * copies share it and are dropped as duplicates); {@code occurredAt}, the record's timestamp;
   * {@code correlationId}, the record's correlation id header, else the event id; {@code source},
   * {@code "unknown"}.
   *
   * @param recordTime       the Kafka record's timestamp
   * @param headerCorrelation the record's {@code correlationId} header, or null
   */
  public EventEnvelope<?> decodeFeed(byte[] value, Instant recordTime, String headerCorrelation)
      throws InvalidEventException {
    JsonNode root = parse(value);
    ObjectNode event = (ObjectNode) root;
    if (!event.has("eventId")) {
      event.put("eventId", UUID.nameUUIDFromBytes(value).toString());
    }
    if (!event.has("occurredAt")) {
      event.put("occurredAt", recordTime.toString());
    }
    if (!event.has("correlationId")) {
      event.put("correlationId", headerCorrelation != null && !headerCorrelation.isBlank()
        && headerCorrelation.length() <= 128 ? headerCorrelation : event.get("eventId").asText());
    }
    if (!event.has("source")) {
      event.put("source", "unknown");
    }
    return toEnvelope(event, check(event));
  }

  /**
   * As {@link #decode(byte[])}, for a topic that carries one data type: any other type is invalid.
   */
  @SuppressWarnings("unchecked")
  public <T extends EventData> EventEnvelope<T> decode(byte[] value, Class<T> dataClass) throws InvalidEventException {
    JsonNode root = parse(value);
    EventType type = check(root);
    if (type.dataClass() != dataClass) {
      throw new InvalidEventException("/type: expected an event carrying " + dataClass.getSimpleName()
        + ", got " + type.typeName() + " v" + type.schemaVersion());
    }
    return (EventEnvelope<T>) toEnvelope(root, type);
  }

  private JsonNode parse(byte[] value) throws InvalidEventException {
    if (value == null || value.length == 0) {
      throw new InvalidEventException("empty record value");
    }
    JsonNode root;
    try {
      root = mapper.readTree(value);
    } catch (IOException e) {
      throw new InvalidEventException("not a JSON object: " + describe(e));
    }
    if (root == null || !root.isObject()) {
      throw new InvalidEventException("not a JSON object: "
        + (root == null || root.isMissingNode() ? "no content" : root.getNodeType().name().toLowerCase()));
    }
    return root;
  }

  /** Validates envelope and data; returns the event type. */
  private EventType check(JsonNode root) throws InvalidEventException {
    if (!envelope.isValid(root)) {
      throw new InvalidEventException(reason(envelope.errors(root, "")));
    }
    JsonNode version = root.get("schemaVersion");
    String typeName = root.get("type").textValue();
    EventType type = version.canConvertToInt()
      ? EventType.find(typeName, version.intValue()).orElse(null)
      : null;
    if (type == null) {
      throw new InvalidEventException("/type: unknown event type " + typeName + " v" + version.asText());
    }
    CompiledSchema schema = dataSchemas.get(type);
    JsonNode data = root.get("data");
    if (!schema.isValid(data)) {
      throw new InvalidEventException(reason(schema.errors(data, "/data")));
    }
    return type;
  }

  private EventEnvelope<?> toEnvelope(JsonNode root, EventType type) throws InvalidEventException {
    UUID eventId;
    Instant occurredAt;
    try {
      eventId = UUID.fromString(root.get("eventId").textValue());
    } catch (IllegalArgumentException e) {
      throw new InvalidEventException("/eventId: not a UUID");
    }
    occurredAt = Rfc3339.parseDateTime(root.get("occurredAt").textValue());
    if (occurredAt == null) {
      throw new InvalidEventException("/occurredAt: not an RFC 3339 date-time");
    }
    EventData data;
    try {
      data = dataReaders.get(type).readValue(ownFields(type, root.get("data")));
    } catch (IOException | RuntimeException e) {
      throw new InvalidEventException("/data: " + describe(e));
    }
    return new EventEnvelope<>(eventId, type.typeName(), type.schemaVersion(), occurredAt,
      root.get("correlationId").textValue(), root.get("source").textValue(), data);
  }

  /**
   * The data without fields its version does not define: an extra field that an old producer
   * writes (tolerated by its schema) must not be read as a later version's field of that name.
   */
  private JsonNode ownFields(EventType type, JsonNode data) {
    Set<String> own = dataFields.get(type);
    boolean extra = false;
    for (Iterator<String> names = data.fieldNames(); names.hasNext() && !extra; ) {
      extra = !own.contains(names.next());
    }
    if (!extra) {
      return data;
    }
    ObjectNode copy = ((ObjectNode) data).deepCopy();
    copy.retain(own);
    return copy;
  }

  private static String reason(List<String> errors) {
    if (errors.isEmpty()) {
      return "does not match its schema";
    }
    String reason = String.join("; ", errors.subList(0, Math.min(errors.size(), MAX_REASON_ERRORS)));
    if (errors.size() > MAX_REASON_ERRORS) {
      reason += "; and " + (errors.size() - MAX_REASON_ERRORS) + " more";
    }
    return truncate(reason);
  }

  private static String describe(Exception e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = cause instanceof JsonProcessingException
      ? ((JsonProcessingException) cause).getOriginalMessage()
      : cause.getMessage();
    return truncate(message == null ? cause.getClass().getSimpleName() : message.replace('\n', ' '));
  }

  private static String truncate(String s) {
    return s.length() <= MAX_REASON_LENGTH ? s : s.substring(0, MAX_REASON_LENGTH - 3) + "...";
  }

  private JsonNode readSchema(String resource) {
    try (InputStream in = EventCodec.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("class-path resource missing: " + resource);
      }
      return mapper.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  static ObjectMapper newMapper() {
    SimpleModule money = new SimpleModule("tidegate-money")
      .addSerializer(BigDecimal.class, new StdSerializer<>(BigDecimal.class) {
        @Override
        public void serialize(BigDecimal value, JsonGenerator gen, SerializerProvider provider) throws IOException {
          gen.writeString(value.toPlainString()); // money is a decimal string, never a number or 1E+3
        }
      });
    return JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .addModule(money)
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .build();
  }
}
