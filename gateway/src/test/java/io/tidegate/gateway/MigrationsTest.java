package io.tidegate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tidegate.dev.LogCapture;
import io.tidegate.dev.TestStack;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;

/** A gateway that starts on a migrated database applies nothing and logs nothing about it. */
class MigrationsTest {

  @Test
  void startingAgainOnAMigratedDatabaseAppliesNothingAndWarnsOfNothing() {
    Vertx vertx = Vertx.vertx();
    Pool pool = TestStack.get().pool(vertx);
    Migrations.apply(vertx, pool).await();
    try (LogCapture log = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
      int applied = Migrations.apply(vertx, pool).await();

      assertEquals(0, applied);
      assertEquals("", log.lines().stream().filter(l -> l.contains("Backend notice") || l.contains("migration"))
          .reduce("", (a, b) -> a + b + "\n"), "e.g. PostgreSQL's NOTICE that a table exists, logged as a WARN");
    } finally {
      vertx.close().await();
    }
  }
}
