package io.tidegate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the metric check reads PromQL and an exposition, without a gateway: it must catch what breaks panels. */
class PromQueriesTest {

  private static final String EXPOSITION = String.join("\n",
      "# HELP gateway_erp_posts_total ERP posts",
      "# TYPE gateway_erp_posts_total counter",
      "gateway_erp_posts_total{outcome=\"submitted\"} 3.0",
      "gateway_erp_post_seconds_bucket{le=\"0.5\"} 1",
      "gateway_erp_post_seconds_bucket{le=\"+Inf\"} 1",
      "gateway_erp_post_seconds_count 1",
      "gateway_circuit_breaker_open{name=\"erp\"} 0.0",
      "vertx_http_server_response_time_seconds_count{code=\"200\",method=\"GET\",route=\"/v1/atp/{sku}\"} 2",
      "process_uptime_seconds 71.0",
      "");

  @Test
  void metricNamesIgnoreLabelValuesAndRecordingRuleNames() {
    assertEquals(Set.of("gateway_erp_posts_total", "process_uptime_seconds"), PromQueries.metricNames(
        "sum(rate(gateway_erp_posts_total{outcome=\"gateway_fake\"}[5m])) + tidegate:x + process_uptime_seconds"));
  }

  @Test
  void grafanaVariablesBecomePlainPromQL() {
    assertEquals("sum(rate(gateway_x_total{job=~\".*\", instance=~\".*\"}[5m]))",
        PromQueries.promql("sum(rate(gateway_x_total{job=~\"$job\", instance=~\"$instance\"}[$__rate_interval]))"));
    assertEquals("gateway_circuit_breaker_open{job=~\".*\"}",
        PromQueries.promql("label_values(gateway_circuit_breaker_open{job=~\"$job\"}, instance)"));
  }

  @Test
  void anExpositionGivesSampleNamesWithTheirLabels() {
    Map<String, Set<String>> e = PromQueries.exposition(EXPOSITION);
    assertEquals(Set.of("outcome"), e.get("gateway_erp_posts_total"));
    assertEquals(Set.of("le"), e.get("gateway_erp_post_seconds_bucket"));
    assertEquals(Set.of("code", "method", "route"), e.get("vertx_http_server_response_time_seconds_count"));
    assertEquals(Set.of(), e.get("process_uptime_seconds"));
  }

  @Test
  void exportedNamesAndLabelsPass() {
    assertEquals(List.of(), problems(
        "histogram_quantile(0.95, sum by (le) (rate(gateway_erp_post_seconds_bucket{job=~\".*\"}[5m])))",
        "max by (instance, name) (gateway_circuit_breaker_open{name=\"erp\"})",
        "sum by (route) (rate(vertx_http_server_response_time_seconds_count[5m]))"));
  }

  @Test
  void aMissingNameAWrongSuffixAWrongMatcherOrGroupingLabelFail() {
    assertEquals(1, problems("rate(gateway_erp_postz_total[5m])").size());
    // a histogram referenced without its suffix, and a counter's sum that does not exist
    assertEquals(1, problems("gateway_erp_post_seconds").size());
    assertEquals(1, problems("rate(vertx_http_server_response_time_seconds_bucket[5m])").size());
    List<String> wrongMatcher = problems("gateway_circuit_breaker_open{breaker=\"erp\"}");
    assertEquals(1, wrongMatcher.size(), wrongMatcher.toString());
    assertTrue(wrongMatcher.get(0).contains("breaker"), wrongMatcher.toString());
    List<String> wrongGrouping = problems("sum by (status) (gateway_erp_posts_total)");
    assertEquals(1, wrongGrouping.size(), wrongGrouping.toString());
  }

  @Test
  void pendingNamesPassWithTheirDeclaredLabelsAndMustBeDeletedOnceExported() {
    Map<String, Set<String>> pending = Map.of("gateway_order_aging_seconds", Set.of("stage"),
        "gateway_dlq_depth", Set.of());
    Map<String, Set<String>> exported = PromQueries.exposition(EXPOSITION);
    assertEquals(List.of(), AlertAndDashboardMetricsTest.problems(Map.of("q",
        "histogram_quantile(0.95, sum by (le, stage) (rate(gateway_order_aging_seconds_bucket{stage=\"booked\"}[5m])))"
            + " + max(gateway_dlq_depth)"), exported, pending));
    assertEquals(1, AlertAndDashboardMetricsTest.problems(Map.of("q",
        "sum by (channel) (gateway_order_aging_seconds_bucket)"), exported, pending).size());
    List<String> stale = AlertAndDashboardMetricsTest.problems(Map.of(), exported,
        Map.of("gateway_circuit_breaker_open", Set.of("name")));
    assertEquals(List.of("gateway_circuit_breaker_open is exported now: delete it from the pending list"), stale);
  }

  @Test
  void anAlertOnAQuantileBeyondTheLargestBucketCouldNeverFire() {
    Map<String, String> alerts = Map.of(
        "slow", "histogram_quantile(0.95, sum by (le) (rate(gateway_erp_post_seconds_bucket[5m]))) > 2",
        "fine", "histogram_quantile(0.95, sum by (le) (rate(gateway_erp_post_seconds_bucket[5m]))) > 0.25",
        "other", "max(gateway_circuit_breaker_open) > 2");
    assertEquals(Map.of("gateway_erp_post_seconds_bucket", 2.0), PromQueries.quantileThresholds(alerts.get("slow")));
    assertEquals(Map.of(), PromQueries.quantileThresholds(alerts.get("other")));
    assertEquals(0.5, PromQueries.largestFiniteBucket(EXPOSITION, "gateway_erp_post_seconds_bucket"));

    List<String> problems = AlertAndDashboardMetricsTest.bucketsTooShort(alerts, EXPOSITION, Set.of());
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("slow:"), problems.toString());
    assertEquals(List.of(), AlertAndDashboardMetricsTest.bucketsTooShort(alerts, EXPOSITION,
        Set.of("gateway_erp_post_seconds_bucket")));
    assertEquals(1, AlertAndDashboardMetricsTest.bucketsTooShort(Map.of("fine", alerts.get("fine")), EXPOSITION,
        Set.of("gateway_erp_post_seconds_bucket")).size(), "a fixed histogram must leave the known-short list");
  }

  @Test
  void theRulesAndTheDashboardAreReadCompletely() throws Exception {
    Map<String, String> queries = PromQueries.all();
    assertEquals(PrometheusRulesTest.alerts(PrometheusRulesTest.rules()).size(), PromQueries.alertExpressions().size());
    assertTrue(PromQueries.dashboardQueries().size() >= 40, queries.toString());
    assertTrue(queries.values().stream().noneMatch(q -> q.contains("$")), "a Grafana variable was left in a query");
  }

  private static List<String> problems(String... promql) {
    Map<String, String> queries = new java.util.LinkedHashMap<>();
    for (int i = 0; i < promql.length; i++) {
      queries.put("q" + i, promql[i]);
    }
    return AlertAndDashboardMetricsTest.problems(queries, PromQueries.exposition(EXPOSITION), Map.of());
  }
}
