package io.tidegate.orders;

import org.slf4j.spi.LoggingEventBuilder;

/**
 * The key-value pairs every log line about an order carries, so that one order can be followed
 * from intake through Kafka to the ERP by its {@code orderId} or {@code correlationId} (the JSON log
 * format writes them as fields; the text format appends them as {@code key="value"}).
 */
public final class OrderLog {

  private OrderLog() {
  }

  public static LoggingEventBuilder with(LoggingEventBuilder line, String orderId, String channel,
                                         String correlationId) {
    return line.addKeyValue("orderId", orderId).addKeyValue("channel", channel)
        .addKeyValue("correlationId", correlationId);
  }
}
