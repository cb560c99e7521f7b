package io.tidegate.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Lint rules for the published OpenAPI document, in the manner of Spectral's "oas" rule set, so a
 * careless edit fails the build: every {@code $ref} resolves, no component is unused, operation ids
 * are unique, every operation is documented and tagged with declared tags, path templates and path
 * parameters agree, every secured operation documents 401, every operation documents an error
 * answer, and every schema property and parameter has a type or a reference.
 */
class OpenApiLintTest {

  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options");
  private static final Pattern TEMPLATE = Pattern.compile("\\{([^}]+)}");

  private final JsonObject document = OpenApi.document();
  private final List<String> problems = new ArrayList<>();

  @Test
  void theDocumentPassesEveryLintRule() {
    Set<String> refs = new TreeSet<>();
    collectRefs(document, refs);
    refs.stream().filter(ref -> resolve(ref) == null).forEach(ref -> problems.add("unresolved $ref " + ref));

    JsonObject components = document.getJsonObject("components");
    for (String kind : components.fieldNames()) {
      if (kind.equals("securitySchemes")) {
        continue;
      }
      for (String name : components.getJsonObject(kind).fieldNames()) {
        if (!refs.contains("#/components/" + kind + "/" + name)) {
          problems.add("unused component #/components/" + kind + "/" + name);
        }
      }
    }

    Set<String> declaredTags = new HashSet<>();
    document.getJsonArray("tags", new JsonArray()).forEach(t -> declaredTags.add(((JsonObject) t).getString("name")));
    Set<String> operationIds = new HashSet<>();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      Set<String> templated = new TreeSet<>();
      Matcher m = TEMPLATE.matcher(path);
      while (m.find()) {
        templated.add(m.group(1));
      }
      for (String method : METHODS) {
        JsonObject op = item.getJsonObject(method);
        if (op == null) {
          continue;
        }
        String where = method.toUpperCase() + " " + path;
        String id = op.getString("operationId");
        if (id == null || !operationIds.add(id)) {
          problems.add(where + ": missing or duplicate operationId " + id);
        }
        if (isBlank(op.getString("summary"))) {
          problems.add(where + ": no summary");
        }
        JsonArray tags = op.getJsonArray("tags", new JsonArray());
        if (tags.isEmpty()) {
          problems.add(where + ": no tags");
        }
        tags.forEach(tag -> {
          if (!declaredTags.contains(tag)) {
            problems.add(where + ": tag '" + tag + "' is not declared in the top-level tags");
          }
        });
        Set<String> pathParams = new TreeSet<>();
        List<Object> params = new ArrayList<>();
        item.getJsonArray("parameters", new JsonArray()).forEach(params::add);
        op.getJsonArray("parameters", new JsonArray()).forEach(params::add);
        for (Object p : params) {
          JsonObject param = resolveObject(p);
          if (param == null) {
            continue;
          }
          if (isBlank(param.getString("name")) || isBlank(param.getString("in"))) {
            problems.add(where + ": a parameter without name or in");
          }
          if (param.getJsonObject("schema") == null) {
            problems.add(where + ": parameter " + param.getString("name") + " has no schema");
          }
          if ("path".equals(param.getString("in"))) {
            pathParams.add(param.getString("name"));
            if (!Boolean.TRUE.equals(param.getBoolean("required"))) {
              problems.add(where + ": path parameter " + param.getString("name") + " must be required");
            }
          }
        }
        if (!pathParams.equals(templated)) {
          problems.add(where + ": path template names " + templated + " but parameters declare " + pathParams);
        }
        JsonObject responses = op.getJsonObject("responses", new JsonObject());
        if (responses.fieldNames().stream().noneMatch(code -> code.startsWith("2"))) {
          problems.add(where + ": no 2xx response");
        }
        if (responses.fieldNames().stream().noneMatch(code -> code.startsWith("4") || code.startsWith("5"))) {
          problems.add(where + ": no error response documented");
        }
        boolean secured = op.getJsonArray("security", document.getJsonArray("security", new JsonArray()))
            .stream().anyMatch(s -> !((JsonObject) s).isEmpty());
        if (secured && !responses.containsKey("401")) {
          problems.add(where + ": secured but 401 is not documented");
        }
      }
    }
    for (String name : components.getJsonObject("schemas").fieldNames()) {
      checkProperties("#/components/schemas/" + name, components.getJsonObject("schemas").getJsonObject(name));
    }
    assertEquals(List.of(), problems, "OpenAPI lint");
  }

  private void checkProperties(String where, JsonObject schema) {
    JsonObject properties = schema.getJsonObject("properties");
    if (properties == null) {
      return;
    }
    for (String name : properties.fieldNames()) {
      JsonObject property = properties.getJsonObject(name);
      boolean typed = property.containsKey("type") || property.containsKey("$ref") || property.containsKey("oneOf")
          || property.containsKey("anyOf") || property.containsKey("allOf") || property.containsKey("enum")
          || property.containsKey("const");
      if (!typed) {
        problems.add(where + "/properties/" + name + ": no type");
      }
      checkProperties(where + "/properties/" + name, property);
      if (property.getJsonObject("items") != null) {
        checkProperties(where + "/properties/" + name + "/items", property.getJsonObject("items"));
      }
    }
  }

  private static void collectRefs(Object node, Set<String> refs) {
    if (node instanceof JsonObject o) {
      if (o.getValue("$ref") instanceof String ref) {
        refs.add(ref);
      }
      o.forEach(e -> collectRefs(e.getValue(), refs));
    } else if (node instanceof JsonArray a) {
      a.forEach(v -> collectRefs(v, refs));
    }
  }

  private Object resolve(String ref) {
    if (!ref.startsWith("#/")) {
      return null;
    }
    Object target = document;
    for (String segment : ref.substring(2).split("/")) {
      if (!(target instanceof JsonObject o) || !o.containsKey(segment.replace("~1", "/").replace("~0", "~"))) {
        return null;
      }
      target = o.getValue(segment.replace("~1", "/").replace("~0", "~"));
    }
    return target;
  }

  private JsonObject resolveObject(Object node) {
    JsonObject o = (JsonObject) node;
    return o.containsKey("$ref") ? (JsonObject) resolve(o.getString("$ref")) : o;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
