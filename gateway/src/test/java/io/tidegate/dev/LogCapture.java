package io.tidegate.dev;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects what a logger (and its children) writes while open: for tests that read the logs. */
public final class LogCapture implements AutoCloseable {

  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(String name) {
    logger = (Logger) LoggerFactory.getLogger(name);
    appender.start();
    logger.addAppender(appender);
  }

  /** Captures {@code name}; {@code Logger.ROOT_LOGGER_NAME} for everything. */
  public static LogCapture of(String name) {
    return new LogCapture(name);
  }

  /** Every line so far, formatted, with the text of any exception and its causes. */
  public synchronized List<String> lines() {
    return List.copyOf(appender.list).stream().map(e -> {
      StringBuilder line = new StringBuilder(e.getLoggerName()).append(' ').append(e.getFormattedMessage());
      for (var t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
      }
      return line.toString();
    }).toList();
  }

  public String all() {
    return String.join("\n", lines());
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
