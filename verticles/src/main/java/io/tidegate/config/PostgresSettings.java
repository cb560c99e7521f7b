package io.tidegate.config;

/**
 * PostgreSQL connection and pool bounds. The password is a secret: never logged.
 *
 * @param requestTimeoutMs how long a client's request waits for PostgreSQL work (claims, quotes,
 *                         order reads) before it is answered 503; see {@code StoreGuard}
 */
public record PostgresSettings(String host, int port, String database, String user, String password,
                               int poolSize, int maxWaitQueue, int connectTimeoutMs, int requestTimeoutMs) {

  public PostgresSettings {
    Check.notBlank("postgres.host", host);
    Check.range("postgres.port", port, 1, 65535);
    Check.notBlank("postgres.database", database);
    Check.notBlank("postgres.user", user);
    if (password == null) {
      throw ConfigException.invalid("postgres.password", "null", "a password (env TIDEGATE_POSTGRES_PASSWORD)");
    }
    Check.range("postgres.poolSize", poolSize, 1, 200);
    Check.range("postgres.maxWaitQueue", maxWaitQueue, 0, 100_000);
    Check.range("postgres.connectTimeoutMs", connectTimeoutMs, 100, 120_000);
    Check.range("postgres.requestTimeoutMs", requestTimeoutMs, 100, 120_000);
  }

  @Override
  public String toString() {
    return "PostgresSettings[host=" + host + ", port=" + port + ", database=" + database + ", user=" + user
        + ", password=****, poolSize=" + poolSize + ", maxWaitQueue=" + maxWaitQueue + ", connectTimeoutMs="
        + connectTimeoutMs + ", requestTimeoutMs=" + requestTimeoutMs + "]";
  }
}
