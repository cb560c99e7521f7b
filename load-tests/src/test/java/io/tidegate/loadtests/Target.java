package io.tidegate.loadtests;

import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What every simulation shares: the gateway under test, the channels' keys, the demo catalogue and
 * the request time-out. Defaults fit the dev stack ({@code gateway/bin/tidegate-dev}).
 *
 * <pre>
 * -DbaseUrl=http://127.0.0.1:8080        gateway under test
 * -DapiKeys=dev-webshop-key,dev-marketplace-key   each virtual user picks one (its channel)
 * -DskuCount=1000 -DskuFormat=SKU-%04d   the catalogue (SKU-0001..SKU-1000)
 * -Dlocations=DC1,DC2 -Dcurrencies=EUR,USD -DcustomerIds=C-1001,C-1002,C-1003
 * -DrequestTimeoutMs=5000                a slower answer is a failed request
 * -DallowStale=false                     an ATP answer with stale:true fails its check
 * </pre>
 */
record Target(String baseUrl, List<String> apiKeys, int skuCount, String skuFormat, List<String> locations,
              List<String> currencies, List<String> customerIds, Duration requestTimeout, boolean allowStale) {

  static Target fromProperties() {
    return fromProperties(5000);
  }

  /** As {@link #fromProperties()}, with another default for {@code -DrequestTimeoutMs}. */
  static Target fromProperties(int defaultTimeoutMs) {
    String baseUrl = Props.string("baseUrl", "http://127.0.0.1:8080");
    URI uri = URI.create(baseUrl);
    if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
      throw Props.bad("baseUrl", baseUrl, "an http(s) URL such as http://127.0.0.1:8080");
    }
    Target t = new Target(baseUrl.replaceAll("/+$", ""),
        Props.list("apiKeys", "dev-webshop-key,dev-marketplace-key"),
        Props.integer("skuCount", 1000, 1, 100_000_000),
        Props.string("skuFormat", "SKU-%04d"),
        Props.list("locations", "DC1,DC2"),
        Props.list("currencies", "EUR,USD"),
        Props.list("customerIds", "C-1001,C-1002,C-1003"),
        Duration.ofMillis(Props.integer("requestTimeoutMs", defaultTimeoutMs, 1, 600_000)),
        Props.bool("allowStale", false));
    if (t.apiKeys.isEmpty() || t.locations.isEmpty() || t.currencies.isEmpty() || t.customerIds.isEmpty()) {
      throw new IllegalArgumentException("-DapiKeys, -Dlocations, -Dcurrencies and -DcustomerIds need at least one value");
    }
    return t;
  }

  /**
   * Connections are shared between virtual users (a keep-alive pool, as a channel's backend
   * would hold): an open model at thousands of users per second would otherwise open a TCP
   * connection per user and run out of loopback ports, measuring the kernel instead of the gateway.
   */
  HttpProtocolBuilder protocol() {
    return http.baseUrl(baseUrl)
        .shareConnections()
        .acceptHeader("application/json")
        .userAgentHeader("tidegate-load-tests");
  }

  String sku(int index) {
    return String.format(skuFormat, index);
  }

  String randomSku() {
    return sku(1 + ThreadLocalRandom.current().nextInt(skuCount));
  }

  String randomKey() {
    return pick(apiKeys);
  }

  static <T> T pick(List<T> values) {
    return values.get(ThreadLocalRandom.current().nextInt(values.size()));
  }

  @Override
  public String toString() {
    return baseUrl + " with " + apiKeys.size() + " channel key(s), " + skuCount + " SKUs, request time-out "
        + requestTimeout.toMillis() + " ms";
  }
}
