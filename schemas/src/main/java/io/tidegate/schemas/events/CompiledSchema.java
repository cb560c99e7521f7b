package io.tidegate.schemas.events;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON Schema (draft 2020-12) compiled once into a tree of checks that runs directly on a
 * Jackson tree: the hot path of {@link EventCodec}. vertx-json-schema 5.0 interprets the schema on
 * every call (about 15x slower here, see {@code DecodeThroughput} in the tests), too slow for feed
 * replays. This one supports exactly the keywords the event schemas use and <em>refuses to
 * compile</em> a schema with any other keyword, so a schema can never contain a rule that is
 * silently not enforced; {@code SchemaConformanceTest} checks that it judges like
 * vertx-json-schema on thousands of mutated events.
 *
 * <p>Supported: {@code type}, {@code properties}, {@code required}, {@code additionalProperties}
 * (boolean), {@code items}, {@code minItems}, {@code maxItems}, {@code minimum}, {@code maximum}
 * (integers), {@code minLength}, {@code maxLength}, {@code pattern}, {@code format}
 * ({@code uuid}, {@code date}, {@code date-time}, asserted), {@code enum}, {@code const},
 * {@code anyOf}, {@code $ref} (same document or another loaded one) and {@code $defs}; the
 * annotations {@code $schema}, {@code $id}, {@code title}, {@code description}, {@code $comment},
 * {@code examples}, {@code default} are ignored.
 *
 * <p>Immutable after construction and thread-safe.
 */
public final class CompiledSchema {

  private static final Set<String> ANNOTATIONS =
    Set.of("$schema", "$id", "title", "description", "$comment", "examples", "default", "$defs",
      "example", "deprecated", "readOnly", "writeOnly");

  private static final int OBJECT = 1;
  private static final int ARRAY = 2;
  private static final int STRING = 4;
  private static final int INTEGER = 8;
  private static final int NUMBER = 16;
  private static final int BOOLEAN = 32;
  private static final int NULL = 64;


  private final Node root;

  private CompiledSchema(Node root) {
    this.root = root;
  }

  /** {@code true} if {@code instance} is valid; stops at the first violation. */
  public boolean isValid(JsonNode instance) {
    return root.validate(instance, null, null);
  }

  /**
   * Every violation as {@code "<pointer>: <message>"}, the pointer being {@code base} followed by
   * the instance location; empty when valid.
   */
  public List<String> errors(JsonNode instance, String base) {
    List<String> errors = new ArrayList<>();
    root.validate(instance, new Pointer(null, base, true), errors);
    return errors;
  }

  /**
   * Compiles schema documents that may refer to each other by {@code $id}-relative {@code $ref}.
   */
  public static final class Compiler {
    private final Map<String, JsonNode> documents = new HashMap<>();
    private final Map<String, Node> compiled = new HashMap<>();

    /** Adds a schema document; its {@code $id} (absolute URI) identifies it. */
    public Compiler add(JsonNode document) {
      String id = document.path("$id").asText(null);
      if (id == null || !URI.create(id).isAbsolute()) {
        throw new IllegalArgumentException("schema needs an absolute $id");
      }
      documents.put(id, document);
      return this;
    }

    /** Compiles the document with this {@code $id}. */
    public CompiledSchema compile(String id) {
      return new CompiledSchema(resolve(id, ""));
    }

    /**
     * Compiles the subschema at {@code pointer} (RFC 6901) of the document with this {@code $id},
     * e.g. a request body schema inside an OpenAPI document.
     */
    public CompiledSchema compile(String id, String pointer) {
      return new CompiledSchema(resolve(id, pointer));
    }

    private Node resolve(String documentId, String fragment) {
      String key = documentId + "#" + fragment;
      Node node = compiled.get(key);
      if (node != null) {
        return node;
      }
      JsonNode document = documents.get(documentId);
      if (document == null) {
        throw new IllegalArgumentException("unknown schema " + documentId);
      }
      JsonNode schema = fragment.isEmpty() ? document : document.at(fragment);
      if (schema.isMissingNode()) {
        throw new IllegalArgumentException("unresolvable $ref " + key);
      }
      node = new Node(key);
      compiled.put(key, node); // before compiling: lets a schema refer to itself
      node.compile(this, documentId, schema);
      return node;
    }

    private Node ref(String documentId, String ref) {
      String absolute = URI.create(documentId).resolve(ref).toString();
      int hash = absolute.indexOf('#');
      return hash < 0
        ? resolve(absolute, "")
        : resolve(absolute.substring(0, hash), absolute.substring(hash + 1));
    }

    private Node inline(String documentId, JsonNode schema, String where) {
      Node node = new Node(where);
      node.compile(this, documentId, schema);
      return node;
    }
  }

  /** One (sub)schema. Fields are written only while compiling. */
  private static final class Node {
    private final String where;
    private int types;
    private Map<String, Node> properties;
    private String[] required;
    private boolean closed;
    private Node items;
    private int minItems = -1;
    private int maxItems = -1;
    private Long minimum;
    private Long maximum;
    private int minLength = -1;
    private int maxLength = -1;
    private String pattern;
    private java.util.function.Predicate<String> patternMatches;
    private String format;
    private List<JsonNode> enumValues;
    private JsonNode constValue;
    private Node[] anyOf;
    private Node ref;

    Node(String where) {
      this.where = where;
    }

    void compile(Compiler compiler, String documentId, JsonNode schema) {
      if (schema.isBoolean()) {
        if (!schema.booleanValue()) {
          enumValues = List.of(); // false: nothing is valid
        }
        return;
      }
      if (!schema.isObject()) {
        throw unsupported("a schema must be an object or a boolean");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        String keyword = entry.getKey();
        JsonNode value = entry.getValue();
        switch (keyword) {
          case "type":
            types = value.isArray() ? typesOf(value) : typeOf(value.asText());
            break;
          case "properties":
            properties = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> p = value.fields(); p.hasNext(); ) {
              Map.Entry<String, JsonNode> property = p.next();
              properties.put(property.getKey(),
                compiler.inline(documentId, property.getValue(), where + "/properties/" + property.getKey()));
            }
            break;
          case "required":
            required = new String[value.size()];
            for (int i = 0; i < value.size(); i++) {
              required[i] = value.get(i).asText();
            }
            break;
          case "additionalProperties":
            if (!value.isBoolean()) {
              throw unsupported("additionalProperties must be a boolean");
            }
            closed = !value.booleanValue();
            break;
          case "items":
            items = compiler.inline(documentId, value, where + "/items");
            break;
          case "minItems":
            minItems = value.intValue();
            break;
          case "maxItems":
            maxItems = value.intValue();
            break;
          case "minimum":
            minimum = integral(value, keyword);
            break;
          case "maximum":
            maximum = integral(value, keyword);
            break;
          case "minLength":
            minLength = value.intValue();
            break;
          case "maxLength":
            maxLength = value.intValue();
            break;
          case "pattern":
            pattern = value.asText();
            patternMatches = SchemaPattern.compile(pattern);
            break;
          case "format":
            format = value.asText();
            if (!Set.of("uuid", "date", "date-time").contains(format)) {
              throw unsupported("format " + format);
            }
            break;
          case "enum":
            enumValues = new ArrayList<>();
            value.forEach(enumValues::add);
            break;
          case "const":
            constValue = value;
            break;
          case "anyOf":
            anyOf = new Node[value.size()];
            for (int i = 0; i < value.size(); i++) {
              anyOf[i] = compiler.inline(documentId, value.get(i), where + "/anyOf/" + i);
            }
            break;
          case "$ref":
            ref = compiler.ref(documentId, value.asText());
            break;
          default:
            if (!ANNOTATIONS.contains(keyword)) {
              throw unsupported("keyword " + keyword);
            }
        }
      }
    }

    private IllegalArgumentException unsupported(String what) {
      return new IllegalArgumentException(where + ": unsupported by CompiledSchema: " + what);
    }

    private Long integral(JsonNode value, String keyword) {
      if (!value.canConvertToExactIntegral() || !value.canConvertToLong()) {
        throw unsupported(keyword + " must be an integer");
      }
      return value.longValue();
    }

    private int typesOf(JsonNode array) {
      int mask = 0;
      for (JsonNode t : array) {
        mask |= typeOf(t.asText());
      }
      return mask;
    }

    private int typeOf(String name) {
      switch (name) {
        case "object":
          return OBJECT;
        case "array":
          return ARRAY;
        case "string":
          return STRING;
        case "integer":
          return INTEGER;
        case "number":
          return NUMBER | INTEGER;
        case "boolean":
          return BOOLEAN;
        case "null":
          return NULL;
        default:
          throw unsupported("type " + name);
      }
    }

    /**
     * Validates {@code value}. With {@code errors == null} it stops at the first violation and
     * builds no messages; otherwise it appends every violation found below {@code at}.
     */
    boolean validate(JsonNode value, Pointer at, List<String> errors) {
      boolean valid = true;
      if (ref != null && !ref.validate(value, at, errors)) {
        if (errors == null) {
          return false;
        }
        valid = false;
      }
      if (types != 0 && (types & typeMask(value)) == 0) {
        return fail(errors, at, "expected " + typeNames(types) + ", got " + typeName(value));
      }
      if (enumValues != null && !enumValues.contains(value)) {
        return fail(errors, at, enumValues.isEmpty() ? "no value is allowed" : "must be one of " + enumValues);
      }
      if (constValue != null && !constValue.equals(value)) {
        return fail(errors, at, "must be " + constValue);
      }
      if (anyOf != null && !anyOfValid(value, at, errors)) {
        if (errors == null) {
          return false;
        }
        valid = false;
      }
      if (value.isObject()) {
        valid &= validateObject(value, at, errors);
      } else if (value.isArray()) {
        valid &= validateArray(value, at, errors);
      } else if (value.isTextual()) {
        valid &= validateString(value.textValue(), at, errors);
      } else if (value.isNumber()) {
        valid &= validateNumber(value, at, errors);
      }
      return valid;
    }

    private boolean anyOfValid(JsonNode value, Pointer at, List<String> errors) {
      for (Node alternative : anyOf) {
        if (alternative.validate(value, null, null)) {
          return true;
        }
      }
      if (errors == null) {
        return false;
      }
      List<String> reasons = new ArrayList<>();
      for (Node alternative : anyOf) {
        List<String> sub = new ArrayList<>();
        alternative.validate(value, at, sub);
        reasons.add(sub.isEmpty() ? "invalid" : sub.get(0).substring(sub.get(0).indexOf(": ") + 2));
      }
      return fail(errors, at, "matches no alternative (" + String.join(" / ", reasons) + ")");
    }

    private boolean validateObject(JsonNode value, Pointer at, List<String> errors) {
      boolean valid = true;
      if (required != null) {
        for (String name : required) {
          if (!value.has(name)) {
            if (errors == null) {
              return false;
            }
            valid = fail(errors, at, "missing required property " + name);
          }
        }
      }
      if (properties != null || closed) {
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          Node property = properties == null ? null : properties.get(field.getKey());
          if (property != null) {
            if (!property.validate(field.getValue(), child(at, field.getKey()), errors)) {
              if (errors == null) {
                return false;
              }
              valid = false;
            }
          } else if (closed) {
            if (errors == null) {
              return false;
            }
            valid = fail(errors, child(at, field.getKey()), "unknown property");
          }
        }
      }
      return valid;
    }

    private boolean validateArray(JsonNode value, Pointer at, List<String> errors) {
      boolean valid = true;
      int size = value.size();
      if (minItems >= 0 && size < minItems) {
        valid = fail(errors, at, "needs at least " + minItems + " items, has " + size);
      }
      if (maxItems >= 0 && size > maxItems) {
        valid = fail(errors, at, "allows at most " + maxItems + " items, has " + size);
      }
      if (!valid && errors == null) {
        return false;
      }
      if (items != null) {
        for (int i = 0; i < size; i++) {
          if (!items.validate(value.get(i), child(at, Integer.toString(i)), errors)) {
            if (errors == null) {
              return false;
            }
            valid = false;
          }
        }
      }
      return valid;
    }

    private boolean validateString(String s, Pointer at, List<String> errors) {
      boolean valid = true;
      if (minLength >= 0 || maxLength >= 0) {
        int length = s.codePointCount(0, s.length());
        if (minLength >= 0 && length < minLength) {
          valid = fail(errors, at, "shorter than " + minLength + " characters");
        }
        if (maxLength >= 0 && length > maxLength) {
          valid = fail(errors, at, "longer than " + maxLength + " characters");
        }
      }
      if (pattern != null && !patternMatches.test(s)) {
        valid = fail(errors, at, "does not match " + pattern);
      }
      if (format != null && !formatValid(s)) {
        valid = fail(errors, at, "not a valid " + format);
      }
      return valid;
    }

    private boolean validateNumber(JsonNode value, Pointer at, List<String> errors) {
      boolean valid = true;
      if (minimum != null && compare(value, minimum) < 0) {
        valid = fail(errors, at, value.asText() + " is less than the minimum " + minimum);
      }
      if (maximum != null && compare(value, maximum) > 0) {
        valid = fail(errors, at, value.asText() + " is greater than the maximum " + maximum);
      }
      return valid;
    }

    private static int compare(JsonNode value, long bound) {
      if (value.isIntegralNumber() && value.canConvertToLong()) {
        return Long.compare(value.longValue(), bound);
      }
      return value.decimalValue().compareTo(BigDecimal.valueOf(bound));
    }

    private boolean formatValid(String s) {
      switch (format) {
        case "uuid":
          return Rfc3339.isUuid(s);
        case "date":
          return Rfc3339.isDate(s);
        case "date-time":
          return Rfc3339.parseDateTime(s) != null;
        default:
          return true;
      }
    }

    private static int typeMask(JsonNode value) {
      switch (value.getNodeType()) {
        case OBJECT:
          return OBJECT;
        case ARRAY:
          return ARRAY;
        case STRING:
          return STRING;
        case NUMBER:
          // JSON Schema: an integer is any number with a zero fractional part (1.0 included)
          return value.isIntegralNumber() || value.canConvertToExactIntegral() ? INTEGER | NUMBER : NUMBER;
        case BOOLEAN:
          return BOOLEAN;
        case NULL:
          return NULL;
        default:
          return 0;
      }
    }

    private static String typeNames(int mask) {
      List<String> names = new ArrayList<>();
      if ((mask & OBJECT) != 0) {
        names.add("object");
      }
      if ((mask & ARRAY) != 0) {
        names.add("array");
      }
      if ((mask & STRING) != 0) {
        names.add("string");
      }
      if ((mask & NUMBER) != 0) {
        names.add("number");
      } else if ((mask & INTEGER) != 0) {
        names.add("integer");
      }
      if ((mask & BOOLEAN) != 0) {
        names.add("boolean");
      }
      if ((mask & NULL) != 0) {
        names.add("null");
      }
      return String.join(" or ", names);
    }

    private static String typeName(JsonNode value) {
      int mask = typeMask(value);
      return (mask & INTEGER) != 0 ? "integer" : typeNames(mask);
    }

    private static Pointer child(Pointer at, String segment) {
      return at == null ? null : new Pointer(at, segment, false);
    }

    private static boolean fail(List<String> errors, Pointer at, String message) {
      if (errors != null) {
        errors.add(at + ": " + message);
      }
      return false;
    }
  }

  /** A JSON Pointer built only when errors are reported. */
  private static final class Pointer {
    private final Pointer parent;
    private final String segment;
    private final boolean raw;

    Pointer(Pointer parent, String segment, boolean raw) {
      this.parent = parent;
      this.segment = segment;
      this.raw = raw;
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      append(sb);
      return sb.length() == 0 ? "(root)" : sb.toString();
    }

    private void append(StringBuilder sb) {
      if (parent != null) {
        parent.append(sb);
      }
      if (raw) {
        sb.append(segment);
      } else {
        sb.append('/').append(segment.replace("~", "~0").replace("/", "~1"));
      }
    }
  }
}
