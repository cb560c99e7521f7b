package io.tidegate.config;

import java.util.List;

/** The whole gateway configuration: parsed once at start-up, validated, immutable. */
public record GatewayConfig(HttpSettings http, KafkaSettings kafka, PostgresSettings postgres,
                            AtpSettings atp, PricingSettings pricing, OrdersSettings orders, ErpSettings erp, AdminSettings admin,
                            ThrottlingSettings throttling, JwtSettings jwt,
                            List<ChannelSettings> channels) {

  public GatewayConfig {
    channels = List.copyOf(channels);
    if (channels.isEmpty()) {
      throw ConfigException.invalid("channels", "{}", "at least one channel");
    }
    if (admin.ownListener() && admin.port() == http.port()) {
      throw ConfigException.invalid("admin.port", admin.port(), "0 (admin on the public listener) or a port other"
          + " than http.port");
    }
    if (jwt == null) {
      jwt = JwtSettings.disabled();
    }
  }

  public GatewayConfig withHttp(HttpSettings newHttp) {
    return new GatewayConfig(newHttp, kafka, postgres, atp, pricing, orders, erp, admin, throttling, jwt, channels);
  }

  public GatewayConfig withKafka(KafkaSettings newKafka) {
    return new GatewayConfig(http, newKafka, postgres, atp, pricing, orders, erp, admin, throttling, jwt, channels);
  }

  public GatewayConfig withPostgres(PostgresSettings newPostgres) {
    return new GatewayConfig(http, kafka, newPostgres, atp, pricing, orders, erp, admin, throttling, jwt, channels);
  }

  /** The channel called {@code name}, if configured. */
  public java.util.Optional<ChannelSettings> channel(String name) {
    return channels.stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
