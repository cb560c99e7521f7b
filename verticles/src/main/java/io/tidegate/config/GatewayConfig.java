package io.tidegate.config;

import java.util.List;

/** The whole gateway configuration: parsed once at start-up, validated, immutable. */
public record GatewayConfig(HttpSettings http, KafkaSettings kafka, PostgresSettings postgres,
                            AtpSettings atp, PricingSettings pricing, ErpSettings erp, AdminSettings admin,
                            List<ChannelSettings> channels) {

  public GatewayConfig {
    channels = List.copyOf(channels);
    if (channels.isEmpty()) {
      throw ConfigException.invalid("channels", "{}", "at least one channel");
    }
  }

  public GatewayConfig withHttp(HttpSettings newHttp) {
    return new GatewayConfig(newHttp, kafka, postgres, atp, pricing, erp, admin, channels);
  }

  public GatewayConfig withKafka(KafkaSettings newKafka) {
    return new GatewayConfig(http, newKafka, postgres, atp, pricing, erp, admin, channels);
  }

  public GatewayConfig withPostgres(PostgresSettings newPostgres) {
    return new GatewayConfig(http, kafka, newPostgres, atp, pricing, erp, admin, channels);
  }
}
