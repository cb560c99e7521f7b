package io.tidegate.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops Micrometer's start-up warning that a Vert.x gauge "has been already registered". The
 * PostgreSQL client of Vert.x 5.0.8 creates its client metrics per connection, so each pool's
 * second connection registers {@code vertx.sql.processing.pending} again under the same tags.
 * That is by design: the gauges of one id share one counter (vertx-micrometer-metrics'
 * {@code LongGauges}), so the value is right, and an operator could do nothing about the warning.
 * Micrometer warns only about the first duplicate gauge of a process (later ones at DEBUG); with
 * this filter, that first warning is not spent on Vert.x's. Installed in {@code logback.xml} and
 * {@code logback-test.xml}.
 */
public final class SharedVertxGauges extends TurboFilter {

  private static final String REGISTRY_LOGGER = "io.micrometer.core.instrument.MeterRegistry";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String message, Object[] params,
                            Throwable t) {
    boolean vertxGauge = level == Level.WARN && message != null && REGISTRY_LOGGER.equals(logger.getName())
        && message.startsWith("This Gauge has been already registered") && message.contains("name='vertx.");
    return vertxGauge ? FilterReply.DENY : FilterReply.NEUTRAL;
  }
}
