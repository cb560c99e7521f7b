package io.tidegate.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;
import org.slf4j.Marker;

/**
 * Lets through one of the Kafka client's "Connection to node ... could not be established" warnings
 * per client and node every {@value #EVERY_MS} ms. With the broker unreachable, each of the
 * gateway's Kafka clients (producer, admin, seven consumers) logs one at every reconnect, about 15
 * lines a second in all, which buried everything else; the gateway itself says once that the broker
 * does not answer, and once that it does again ({@code io.tidegate.ops.Readiness}). Installed in
 * {@code logback.xml}.
 */
public final class KafkaConnectWarnings extends TurboFilter {

  static final long EVERY_MS = 60_000;
  private static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";

  private final ConcurrentMap<String, Long> lastLogged = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  public KafkaConnectWarnings() {
    this(System::currentTimeMillis);
  }

  KafkaConnectWarnings(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String message, Object[] params,
                            Throwable t) {
    if (level != Level.WARN || message == null || !NETWORK_CLIENT.equals(logger.getName())
        || !message.contains("could not be established")) {
      return FilterReply.NEUTRAL;
    }
    // The message carries the client's name ("[Consumer clientId=...] Connection to node {} ...")
    String key = message + (params != null && params.length > 0 ? params[0] : "");
    long now = clock.getAsLong();
    Long last = lastLogged.get(key);
    if (last != null && now - last < EVERY_MS) {
      return FilterReply.DENY;
    }
    lastLogged.put(key, now);
    return FilterReply.NEUTRAL;
  }
}
