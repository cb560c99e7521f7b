package io.tidegate.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned, forward-only database migrations. {@code db/migration/index} lists the scripts in
 * order; each runs once, in its own transaction, under an advisory lock so that several gateway
 * instances starting together apply it exactly once.
 */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  private static final long LOCK_ID = 0x7469646567617465L; // "tidegate"
  /**
   * Asked first rather than {@code CREATE TABLE IF NOT EXISTS}: PostgreSQL answers that with a
   * NOTICE when the table exists, which the client logs as a WARN line at every start.
   */
  private static final String TABLE_MISSING = "SELECT to_regclass('schema_migrations') IS NULL";
  private static final String CREATE_TABLE = """
      CREATE TABLE schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())""";
  private static final String LOCK = "SELECT pg_advisory_xact_lock($1)";
  private static final String IS_APPLIED = "SELECT 1 FROM schema_migrations WHERE version = $1";
  private static final String RECORD = "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)";

  private record Script(int version, String name, String sql) {
  }

  private Migrations() {
  }

  /** Applies the pending scripts; reads them with blocking I/O off the event loop. */
  public static Future<Integer> apply(Vertx vertx, Pool pool) {
    return vertx.executeBlocking(Migrations::scripts)
        .compose(scripts -> pool.withTransaction(conn -> conn.preparedQuery(LOCK).execute(Tuple.of(LOCK_ID))
                // under the lock too: two instances creating the table at once collide in the catalog
                .compose(v -> conn.query(TABLE_MISSING).execute())
                .compose(rows -> rows.iterator().next().getBoolean(0) ? conn.query(CREATE_TABLE).execute().mapEmpty()
                    : Future.succeededFuture()))
            .compose(v -> applyFrom(pool, scripts, 0, 0)));
  }

  private static Future<Integer> applyFrom(Pool pool, List<Script> scripts, int index, int applied) {
    if (index == scripts.size()) {
      return Future.succeededFuture(applied);
    }
    Script script = scripts.get(index);
    return pool.withTransaction(conn -> applyOne(conn, script))
        .compose(ran -> applyFrom(pool, scripts, index + 1, applied + (ran ? 1 : 0)));
  }

  private static Future<Boolean> applyOne(SqlConnection conn, Script script) {
    return conn.preparedQuery(LOCK).execute(Tuple.of(LOCK_ID))
        .compose(v -> conn.preparedQuery(IS_APPLIED).execute(Tuple.of(script.version())))
        .compose(rows -> {
          if (rows.size() > 0) {
            return Future.succeededFuture(false);
          }
          LOG.info("applying migration V{} {}", script.version(), script.name());
          return conn.query(script.sql()).execute()
              .compose(v -> conn.preparedQuery(RECORD).execute(Tuple.of(script.version(), script.name())))
              .map(true);
        });
  }

  private static List<Script> scripts() throws java.io.IOException {
    String index = read("db/migration/index").toString();
    return index.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).map(file -> {
      int version = Integer.parseInt(file.substring(1, file.indexOf("__")));
      try {
        return new Script(version, file, read("db/migration/" + file).toString());
      } catch (java.io.IOException e) {
        throw new IllegalStateException("migration " + file + " is listed but unreadable", e);
      }
    }).toList();
  }

  private static Buffer read(String resource) throws java.io.IOException {
    try (var in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new java.io.IOException("missing resource " + resource);
      }
      return Buffer.buffer(in.readAllBytes());
    }
  }
}
