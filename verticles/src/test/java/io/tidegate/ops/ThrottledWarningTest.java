package io.tidegate.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class ThrottledWarningTest {

  private final List<List<Object>> lines = new ArrayList<>();
  private final AtomicLong clock = new AtomicLong(5_000_000_000L);
  private final ThrottledWarning warning = new ThrottledWarning(recordingLogger(), "store unavailable: {}", 10,
      TimeUnit.SECONDS, clock::get);

  @Test
  void theFirstOccurrenceIsLoggedAtOnceAndTheRestOncePerIntervalWithHowManyWereLeftOut() {
    warning.warn("refused 1");
    for (int i = 2; i <= 1000; i++) {
      clock.addAndGet(1_000_000); // 1 ms apart: 999 more in the first second
      warning.warn("refused " + i);
    }
    assertEquals(List.of(List.of("store unavailable: {}", "refused 1")), lines);

    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(9_000)); // 9.999 s after the first line
    warning.warn("refused 1000b");
    assertEquals(1, lines.size(), "within the interval");
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1)); // 10 s after the first line
    warning.warn("refused 1001");
    assertEquals(List.of("store unavailable: {} ({} more like this not logged since the last line)", "refused 1001",
        1000L), lines.get(1));

    clock.addAndGet(TimeUnit.SECONDS.toNanos(9));
    warning.warn("refused 1002");
    assertEquals(2, lines.size(), "within the interval after the last line");
    clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
    warning.warn("refused 1003");
    assertEquals(List.of("store unavailable: {} ({} more like this not logged since the last line)", "refused 1003",
        1L), lines.get(2));
  }

  @Test
  void afterAQuietSpellTheNextOccurrenceIsLoggedAtOnceWithoutACount() {
    warning.warn("first outage");
    clock.addAndGet(TimeUnit.MINUTES.toNanos(30));
    warning.warn("second outage");
    assertEquals(List.of(List.of("store unavailable: {}", "first outage"),
        List.of("store unavailable: {}", "second outage")), lines);
  }

  /** A Logger that records the arguments of every {@code warn} call. */
  private Logger recordingLogger() {
    return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
        (proxy, method, args) -> {
          if (method.getName().equals("warn")) {
            List<Object> line = new ArrayList<>();
            for (Object a : args) {
              if (a instanceof Object[] varargs) {
                line.addAll(List.of(varargs));
              } else {
                line.add(a);
              }
            }
            lines.add(line);
          }
          return method.getReturnType() == boolean.class ? Boolean.FALSE : null;
        });
  }
}
