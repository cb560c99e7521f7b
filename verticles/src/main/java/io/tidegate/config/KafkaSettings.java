package io.tidegate.config;

import java.util.Map;

/**
 * Kafka connection. {@code properties} are passed to every client as they are (security.protocol,
 * sasl.*, ssl.*), so production needs no code change for SASL/TLS.
 */
public record KafkaSettings(String bootstrapServers, String clientId, String readModelGroupPrefix,
                            int sendTimeoutMs, Map<String, String> properties) {

  public KafkaSettings {
    Check.notBlank("kafka.bootstrapServers", bootstrapServers);
    Check.notBlank("kafka.clientId", clientId);
    Check.notBlank("kafka.readModelGroupPrefix", readModelGroupPrefix);
    Check.range("kafka.sendTimeoutMs", sendTimeoutMs, 100, 120_000);
    properties = Map.copyOf(properties);
  }
}
