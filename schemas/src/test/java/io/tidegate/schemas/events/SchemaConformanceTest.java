package io.tidegate.schemas.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The codec's compiled validators must judge exactly like a general JSON Schema implementation
 * (vertx-json-schema, the reference here): every sample event and thousands of mutations of them
 * get the same verdict from both.
 */
class SchemaConformanceTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static CompiledSchema envelope;
  private static final Map<EventType, CompiledSchema> compiled = new EnumMap<>(EventType.class);
  private static Validator referenceEnvelope;
  private static final Map<EventType, Validator> reference = new EnumMap<>(EventType.class);

  @BeforeAll
  static void load() throws IOException {
    CompiledSchema.Compiler compiler = new CompiledSchema.Compiler();
    JsonSchemaOptions options = new JsonSchemaOptions()
      .setDraft(Draft.DRAFT202012).setBaseUri(EventCodec.SCHEMA_BASE).setOutputFormat(OutputFormat.Basic);
    SchemaRepository repository = SchemaRepository.create(options);
    List<String> resources = new ArrayList<>(List.of(EventCodec.ENVELOPE_RESOURCE));
    for (EventType type : EventType.values()) {
      resources.add(type.schemaResource());
    }
    for (String resource : resources) {
      String text = read(resource);
      compiler.add(JSON.readTree(text));
      repository.dereference(JsonSchema.of(new JsonObject(text)));
    }
    envelope = compiler.compile(EventCodec.SCHEMA_BASE + "envelope.schema.json");
    referenceEnvelope = repository.validator(EventCodec.SCHEMA_BASE + "envelope.schema.json", options);
    for (EventType type : EventType.values()) {
      String id = EventCodec.SCHEMA_BASE + type.typeName() + ".v" + type.schemaVersion() + ".schema.json";
      compiled.put(type, compiler.compile(id));
      reference.put(type, repository.validator(id, options));
    }
  }

  @Test
  void compiledValidatorsJudgeLikeTheReferenceImplementation() throws IOException {
    EventCodec codec = new EventCodec();
    List<JsonNode> corpus = new ArrayList<>();
    corpus.add(JSON.readTree(Samples.CONTRACT_INVENTORY));
    corpus.add(JSON.readTree(Samples.CONTRACT_PRICE_RULE));
    for (EventType type : EventType.values()) {
      corpus.add(JSON.readTree(codec.encode(Samples.envelopeOf(type))));
    }
    List<JsonNode> mutants = new ArrayList<>();
    for (JsonNode sample : corpus) {
      mutate(sample, sample, mutants);
    }

    List<String> disagreements = new ArrayList<>();
    int valid = 0;
    for (JsonNode event : Stream.concat(corpus.stream(), mutants.stream()).collect(Collectors.toList())) {
      boolean ours = compiledVerdict(event);
      boolean theirs = referenceVerdict(event);
      if (ours != theirs) {
        disagreements.add("compiled=" + ours + " reference=" + theirs + ": " + event);
      }
      valid += ours ? 1 : 0;
    }

    assertTrue(disagreements.isEmpty(), () -> disagreements.size() + " disagreements, e.g.\n"
      + String.join("\n", disagreements.subList(0, Math.min(5, disagreements.size()))));
    assertTrue(mutants.size() > 1000, "corpus too small: " + mutants.size());
    assertTrue(valid > corpus.size() && valid < corpus.size() + mutants.size(),
      "the corpus must hold valid and invalid events, valid: " + valid);
  }

  @Test
  void everySchemaFileBelongsToAnEventType() throws URISyntaxException, IOException {
    Path dir = Path.of(getClass().getClassLoader().getResource("events").toURI());
    Set<String> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.map(p -> "events/" + p.getFileName()).collect(Collectors.toCollection(TreeSet::new));
    }
    Set<String> expected = new TreeSet<>();
    expected.add(EventCodec.ENVELOPE_RESOURCE);
    for (EventType type : EventType.values()) {
      expected.add(type.schemaResource());
    }
    assertEquals(expected, files);
  }

  @Test
  void compilerRefusesKeywordsItDoesNotEnforce() {
    for (String schema : List.of(
      "{\"type\":\"object\",\"oneOf\":[{\"type\":\"object\"}]}",
      "{\"type\":\"integer\",\"exclusiveMinimum\":0}",
      "{\"type\":\"string\",\"format\":\"email\"}",
      "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"contentEncoding\":\"base64\"}}}",
      "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"}}",
      "{\"type\":\"number\",\"minimum\":0.5}")) {
      ObjectNode document = (ObjectNode) readTree(schema);
      document.put("$id", "https://example.test/s.json");
      CompiledSchema.Compiler compiler = new CompiledSchema.Compiler().add(document);
      assertThrows(IllegalArgumentException.class, () -> compiler.compile("https://example.test/s.json"), schema);
    }
  }

  private static boolean compiledVerdict(JsonNode event) {
    if (!envelope.isValid(event)) {
      return false;
    }
    EventType type = EventType.find(event.get("type").textValue(), event.get("schemaVersion").intValue()).orElse(null);
    return type != null && compiled.get(type).isValid(event.get("data"));
  }

  @SuppressWarnings("unchecked")
  private static boolean referenceVerdict(JsonNode event) {
    Map<String, Object> map = JSON.convertValue(event, Map.class);
    if (!referenceEnvelope.validate(map).getValid()) {
      return false;
    }
    EventType type = EventType.find((String) map.get("type"), ((Number) map.get("schemaVersion")).intValue()).orElse(null);
    return type != null && reference.get(type).validate(map.get("data")).getValid();
  }

  /** Adds copies of {@code root} with one value below {@code node} replaced, removed or added. */
  private static void mutate(JsonNode root, JsonNode node, List<JsonNode> out) {
    List<JsonNode> replacements = List.of(NODES.nullNode(), NODES.textNode("x"), NODES.textNode(""),
      NODES.textNode("2026-02-30"), NODES.textNode("2028-02-29T23:59:59.5+01:00"), NODES.textNode("10.00"),
      NODES.textNode("1E+3"), NODES.textNode("SKU 1"), NODES.textNode("BOOKED"), NODES.numberNode(-1),
      NODES.numberNode(0), NODES.numberNode(1.5), NODES.numberNode(2.0), NODES.numberNode(3_000_000_000L),
      NODES.booleanNode(true), NODES.objectNode(), NODES.arrayNode());
    if (node.isObject()) {
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        ObjectNode removed = (ObjectNode) root.deepCopy();
        ((ObjectNode) locate(removed, root, node)).remove(name);
        out.add(removed);
        for (JsonNode replacement : replacements) {
          ObjectNode copy = (ObjectNode) root.deepCopy();
          ((ObjectNode) locate(copy, root, node)).set(name, replacement);
          out.add(copy);
        }
        mutate(root, node.get(name), out);
      }
      ObjectNode extra = (ObjectNode) root.deepCopy();
      ((ObjectNode) locate(extra, root, node)).put("zz-extra", 1);
      out.add(extra);
    } else if (node.isArray()) {
      ObjectNode emptied = (ObjectNode) root.deepCopy();
      ((ArrayNode) locate(emptied, root, node)).removeAll();
      out.add(emptied);
      for (int i = 0; i < node.size(); i++) {
        for (JsonNode replacement : replacements) {
          ObjectNode copy = (ObjectNode) root.deepCopy();
          ((ArrayNode) locate(copy, root, node)).set(i, replacement);
          out.add(copy);
        }
        mutate(root, node.get(i), out);
      }
    }
  }

  /** The node in {@code copy} at the position {@code target} has in {@code original} (same shape). */
  private static JsonNode locate(JsonNode copy, JsonNode original, JsonNode target) {
    if (original == target) {
      return copy;
    }
    if (original.isObject()) {
      for (Iterator<String> it = original.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        JsonNode found = locate(copy.get(name), original.get(name), target);
        if (found != null) {
          return found;
        }
      }
    } else if (original.isArray()) {
      for (int i = 0; i < original.size(); i++) {
        JsonNode found = locate(copy.get(i), original.get(i), target);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static String read(String resource) throws IOException {
    try (InputStream in = SchemaConformanceTest.class.getClassLoader().getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
