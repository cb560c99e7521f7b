package io.tidegate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

/** Only Micrometer's warning about a Vert.x gauge registered again is dropped. */
class SharedVertxGaugesTest {

  private static final String WARNING = "This Gauge has been already registered (MeterId{name='%s', "
      + "tags=[tag(client_namespace=tidegate-durable)]}), the registration will be ignored. Note that subsequent "
      + "logs will be logged at debug level.";

  private final LoggerContext context = new LoggerContext();
  private final SharedVertxGauges filter = new SharedVertxGauges();

  @Test
  void theWarningAboutAVertxGaugeIsDropped() {
    assertEquals(FilterReply.DENY, decide("io.micrometer.core.instrument.MeterRegistry", Level.WARN,
        WARNING.formatted("vertx.sql.processing.pending")));
  }

  @Test
  void theSameWarningAboutAnyOtherMeterAndOtherLinesStay() {
    String registry = "io.micrometer.core.instrument.MeterRegistry";
    assertEquals(FilterReply.NEUTRAL, decide(registry, Level.WARN, WARNING.formatted("gateway_dlq_depth")));
    assertEquals(FilterReply.NEUTRAL, decide(registry, Level.WARN, "A MeterFilter is being configured late"));
    assertEquals(FilterReply.NEUTRAL, decide("io.tidegate.gateway.GatewayApp", Level.WARN,
        WARNING.formatted("vertx.sql.processing.pending")));
    assertEquals(FilterReply.NEUTRAL, decide(registry, Level.ERROR, WARNING.formatted("vertx.sql.processing.pending")));
  }

  private FilterReply decide(String logger, Level level, String message) {
    return filter.decide(null, context.getLogger(logger), level, message, null, null);
  }
}
