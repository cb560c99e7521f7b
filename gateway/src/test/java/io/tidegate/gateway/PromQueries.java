package io.tidegate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL that operators run against the gateway: the alert rules' expressions and the Grafana
 * dashboard's queries (with its variables filled in), and what they refer to — metric names, the
 * labels their selectors match on and the labels they aggregate by.
 */
final class PromQueries {

  static final Path DASHBOARD = PrometheusRulesTest.DIR.getParent().resolve("grafana").resolve("tidegate-dashboard.json");

  /** Metric names that belong to the gateway process (what /metrics must export). */
  private static final Pattern OWN_METRIC = Pattern.compile(
      "(?<![\\w:.$])((?:gateway|vertx|jvm|process|system)_[A-Za-z0-9_]*)");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern SELECTOR = Pattern.compile("([A-Za-z_:][\\w:]*)\\s*\\{([^}]*)}");
  private static final Pattern MATCHER = Pattern.compile("([A-Za-z_]\\w*)\\s*(?:=~|!~|!=|=)\\s*\"");
  private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without|on|ignoring)\\s*\\(([^)]*)\\)");
  /** Labels Prometheus adds to every target, and the bucket bound; not the application's to export. */
  static final Set<String> TARGET_LABELS = Set.of("job", "instance", "le", "alertname", "alertstate", "severity");

  private PromQueries() {
  }

  /** Where a query comes from (alert name or dashboard panel title) -> the query. */
  static Map<String, String> all() throws IOException {
    Map<String, String> queries = new LinkedHashMap<>(alertExpressions());
    queries.putAll(dashboardQueries());
    return queries;
  }

  static Map<String, String> alertExpressions() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode alert : PrometheusRulesTest.alerts(PrometheusRulesTest.rules())) {
      out.put("alert " + alert.path("alert").asText(), alert.path("expr").asText());
    }
    return out;
  }

  /**
   * Every query of the dashboard (panels, variables, annotations) with Grafana's variables replaced
   * by values Prometheus accepts, so the result is plain PromQL.
   */
  static Map<String, String> dashboardQueries() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    collect(new ObjectMapper().readTree(DASHBOARD.toFile()), "dashboard", out);
    return out;
  }

  private static void collect(JsonNode node, String where, Map<String, String> out) {
    if (node.isArray()) {
      for (JsonNode child : node) {
        collect(child, where, out);
      }
      return;
    }
    if (!node.isObject()) {
      return;
    }
    String here = node.hasNonNull("title") ? "dashboard panel '" + node.get("title").asText() + "'"
        : node.hasNonNull("name") ? "dashboard '" + node.get("name").asText() + "'" : where;
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode value = field.getValue();
      boolean queryField = field.getKey().equals("expr") || field.getKey().equals("definition");
      if (queryField && value.isTextual() && !value.asText().isBlank()) {
        String promql = promql(value.asText());
        out.put(here + " #" + out.size(), promql);
      } else {
        collect(value, here, out);
      }
    }
  }

  /** Grafana templating -> PromQL: label_values(x, l) is a query of x; $vars become match-all values. */
  static String promql(String grafana) {
    String q = grafana.trim();
    Matcher labelValues = Pattern.compile("^label_values\\((.*),\\s*\\w+\\)$").matcher(q);
    if (labelValues.matches()) {
      q = labelValues.group(1);
    }
    return q.replace("$__rate_interval", "5m").replace("$__interval", "1m")
        .replace("$job", ".*").replace("$instance", ".*");
  }

  /** The gateway's own metric names a query refers to (string literals ignored). */
  static Set<String> metricNames(String promql) {
    Set<String> names = new TreeSet<>();
    Matcher m = OWN_METRIC.matcher(STRING.matcher(promql).replaceAll("\"\""));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** Metric name -> label names its selectors match on, for the gateway's own metrics in the query. */
  static Map<String, Set<String>> matchedLabels(String promql) {
    Map<String, Set<String>> out = new TreeMap<>();
    Matcher s = SELECTOR.matcher(promql);
    while (s.find()) {
      if (metricNames(s.group(1)).isEmpty()) {
        continue;
      }
      Set<String> labels = out.computeIfAbsent(s.group(1), k -> new TreeSet<>());
      Matcher m = MATCHER.matcher(s.group(2));
      while (m.find()) {
        if (!TARGET_LABELS.contains(m.group(1))) {
          labels.add(m.group(1));
        }
      }
    }
    return out;
  }

  /** Labels named in by/without/on/ignoring clauses of the query (target labels left out). */
  static Set<String> groupingLabels(String promql) {
    Set<String> out = new TreeSet<>();
    Matcher g = GROUPING.matcher(STRING.matcher(promql).replaceAll("\"\""));
    while (g.find()) {
      for (String label : g.group(1).split(",")) {
        String l = label.trim();
        if (!l.isEmpty() && !TARGET_LABELS.contains(l)) {
          out.add(l);
        }
      }
    }
    return out;
  }

  /** A Prometheus rules file with one recording rule per query, for {@code promtool check rules}. */
  static String asRecordingRules(Map<String, String> queries) {
    StringBuilder y = new StringBuilder("groups:\n  - name: tidegate-dashboard-queries\n    rules:\n");
    int i = 0;
    for (Map.Entry<String, String> q : queries.entrySet()) {
      y.append("      # ").append(q.getKey().replace('\n', ' ')).append('\n')
          .append("      - record: tidegate:dashboard_query_").append(i++).append('\n')
          .append("        expr: |\n");
      for (String line : q.getValue().split("\n")) {
        y.append("          ").append(line).append('\n');
      }
    }
    return y.toString();
  }

  /**
   * For an alert on a histogram quantile ({@code histogram_quantile(...) > T}): bucket sample name
   * -> T. Empty for any other expression.
   */
  static Map<String, Double> quantileThresholds(String promql) {
    Map<String, Double> out = new TreeMap<>();
    Matcher threshold = Pattern.compile(">\\s*([0-9]+(?:\\.[0-9]+)?)\\s*$").matcher(promql.trim());
    if (!promql.contains("histogram_quantile") || !threshold.find()) {
      return out;
    }
    for (String name : metricNames(promql)) {
      if (name.endsWith("_bucket")) {
        out.put(name, Double.parseDouble(threshold.group(1)));
      }
    }
    return out;
  }

  /** The largest finite {@code le} of a bucket sample name in an exposition; NaN if it has none. */
  static double largestFiniteBucket(String exposition, String bucketName) {
    double max = Double.NaN;
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(bucketName) + "\\{[^}]*le=\"([^\"]+)\"").matcher(exposition);
    while (m.find()) {
      if (!m.group(1).equals("+Inf")) {
        double le = Double.parseDouble(m.group(1));
        max = Double.isNaN(max) ? le : Math.max(max, le);
      }
    }
    return max;
  }

  /** Sample names of a Prometheus text exposition -> the label names seen on them. */
  static Map<String, Set<String>> exposition(String text) {
    Map<String, Set<String>> out = new TreeMap<>();
    Pattern sample = Pattern.compile("^([A-Za-z_:][\\w:]*)(?:\\{(.*)})?\\s+\\S+.*$");
    Pattern label = Pattern.compile("([A-Za-z_]\\w*)=\"(?:[^\"\\\\]|\\\\.)*\"");
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      Matcher m = sample.matcher(line);
      if (!m.matches()) {
        continue;
      }
      Set<String> labels = out.computeIfAbsent(m.group(1), k -> new TreeSet<>());
      if (m.group(2) != null) {
        Matcher l = label.matcher(m.group(2));
        while (l.find()) {
          labels.add(l.group(1));
        }
      }
    }
    return out;
  }

  static List<String> lines(Map<String, ?> map) {
    List<String> out = new ArrayList<>();
    map.forEach((k, v) -> out.add(k + " " + v));
    return out;
  }
}
