package io.tidegate.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThrottleFileWatcherTest {

  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Throttles throttles = new Throttles(Fixtures.settings(), Fixtures.CHANNELS, registry, System::nanoTime);
  private ThrottleFileWatcher watcher;
  private long mtime = 1_700_000_000_000L;

  @TempDir
  Path dir;

  @AfterEach
  void close() {
    if (watcher != null) {
      watcher.stop();
    }
    vertx.close().await();
  }

  private Path write(Path file, String content) throws Exception {
    Files.writeString(file, content);
    mtime += 1000;
    Files.setLastModifiedTime(file, FileTime.fromMillis(mtime));
    return file;
  }

  private double reloads(String outcome) {
    var counter = registry.find("gateway_throttle_reloads_total").tag("source", "file").tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  private int marketplaceAtpQuota() {
    return throttles.limits("marketplace").orElseThrow().policy("atp").quota();
  }

  @Test
  void appliesAGoodFileAndKeepsTheOldLimitsOnABadOne() throws Exception {
    Path file = write(dir.resolve("throttles.yaml"), Fixtures.FILE);
    watcher = new ThrottleFileWatcher(vertx, file.toString(), throttles, 60_000);
    watcher.start().await();
    assertEquals(0, reloads("applied"), "the file the gateway started with changes nothing");

    write(file, Fixtures.file("quota: 3,", "quota: 7,"));
    watcher.check().await();
    assertEquals(7, marketplaceAtpQuota());
    assertEquals(1, reloads("applied"));

    ThrottleSettings good = throttles.settings();
    write(file, Fixtures.file("quota: 3,", "quota: -7,"));
    watcher.check().await();
    watcher.check().await();
    assertSame(good, throttles.settings(), "a bad file leaves the limits in force");
    assertEquals(1, reloads("rejected"), "and is counted once, not on every poll");

    write(file, Fixtures.file("quota: 3,", "quota: 11,"));
    watcher.check().await();
    assertEquals(11, marketplaceAtpQuota(), "the next good edit applies");
    assertEquals(2, reloads("applied"));
  }

  @Test
  void aMissingFileKeepsTheLimits() {
    ThrottleSettings before = throttles.settings();
    watcher = new ThrottleFileWatcher(vertx, dir.resolve("absent.yaml").toString(), throttles, 60_000);
    watcher.start().await();
    watcher.check().await();
    assertSame(before, throttles.settings());
    assertEquals(1, reloads("rejected"));
  }

  @Test
  void thePeriodicPollPicksUpAnEdit() throws Exception {
    Path file = write(dir.resolve("throttles.yaml"), Fixtures.FILE);
    watcher = new ThrottleFileWatcher(vertx, file.toString(), throttles, 20);
    watcher.start().await();
    write(file, Fixtures.file("quota: 3,", "quota: 5,"));
    awaitUntil(Duration.ofSeconds(10), () -> marketplaceAtpQuota() == 5);
  }

  /** Polls a condition until it holds or the deadline passes (no fixed sleeps for ordering). */
  private static void awaitUntil(Duration limit, BooleanSupplier condition) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + limit);
      }
      LockSupport.parkNanos(5_000_000L);
    }
  }
}
