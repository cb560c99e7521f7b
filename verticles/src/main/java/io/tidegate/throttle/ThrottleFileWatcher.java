package io.tidegate.throttle;

import io.tidegate.ops.AuditLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks up edits of the throttle file without a restart. Every {@code intervalMs} it asks the file
 * system (asynchronously, never blocking the event loop) for the file's modification time and
 * size; only when they changed does it read the file, and only when the content's SHA-256 changed
 * does it parse it and call {@link Throttles#replaceAll}. A file that does not parse, names an
 * unknown channel or cannot be read is logged with the reason, counted as
 * {@code gateway_throttle_reloads_total{source=file,outcome=rejected}}, and the limits in force
 * stay; the next good edit is applied. Both outcomes are also written to the audit log
 * ({@code limits.reload}, who = the file). Polling rather than a file-system watch service, because
 * polling works the same on every file system (including bind mounts and config maps, whose
 * updates are symlink swaps).
 */
public final class ThrottleFileWatcher {

  private static final Logger LOG = LoggerFactory.getLogger(ThrottleFileWatcher.class);

  private final Vertx vertx;
  private final String path;
  private final Throttles throttles;
  private final long intervalMs;
  private final AuditLog audit;
  private final AtomicBoolean checking = new AtomicBoolean();
  private volatile long timerId = -1;
  private volatile long lastModified = Long.MIN_VALUE;
  private volatile long lastSize = -1;
  private volatile byte[] lastHash;
  private volatile String lastFailure;

  /**
   * @param path       the throttle file ({@code config/throttles.yaml})
   * @param intervalMs how often to look, e.g. 2000
   */
  public ThrottleFileWatcher(Vertx vertx, String path, Throttles throttles, long intervalMs, AuditLog audit) {
    this.vertx = vertx;
    this.path = path;
    this.throttles = throttles;
    this.intervalMs = intervalMs;
    this.audit = audit;
  }

  public ThrottleFileWatcher(Vertx vertx, String path, Throttles throttles, long intervalMs) {
    this(vertx, path, throttles, intervalMs, new AuditLog(Clock.systemUTC()));
  }

  /**
   * Starts polling. The first check runs at once and completes the returned future; it applies the
   * file only if it differs from the settings {@code throttles} already holds (so starting the
   * watcher right after loading the same file changes and counts nothing).
   */
  public Future<Void> start() {
    return check().onComplete(done -> timerId = vertx.setPeriodic(intervalMs, id -> check()));
  }

  public void stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  /** One poll; overlapping polls are skipped. Always succeeds: a bad file is logged, not thrown. */
  Future<Void> check() {
    if (!checking.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    return vertx.fileSystem().props(path)
        .compose(props -> props.lastModifiedTime() == lastModified && props.size() == lastSize
            ? Future.succeededFuture()
            : vertx.fileSystem().readFile(path).map(content -> {
              apply(content);
              lastModified = props.lastModifiedTime();
              lastSize = props.size();
              lastFailure = null;
              return null;
            }))
        .recover(this::rejected)
        .onComplete(done -> checking.set(false))
        .mapEmpty();
  }

  private void apply(Buffer content) {
    byte[] hash = sha256(content.getBytes());
    if (Arrays.equals(hash, lastHash)) {
      return;
    }
    lastHash = hash;
    ThrottleSettings next = ThrottleFile.parse(content.toString(), throttles.channels());
    if (!next.equals(throttles.settings())) {
      throttles.replaceAll(next);
      LOG.info("throttle file {} applied", path);
      audit.record(AuditLog.Actor.file(path), "limits.reload", "throttles", "applied", null, null);
    }
  }

  /** Logs and counts a failure once, not on every poll while the file stays bad or missing. */
  private Future<Object> rejected(Throwable cause) {
    String reason = String.valueOf(cause.getMessage());
    if (!reason.equals(lastFailure)) {
      lastFailure = reason;
      LOG.warn("throttle file {} rejected, the limits in force stay: {}", path, reason);
      audit.record(AuditLog.Actor.file(path), "limits.reload", "throttles", "rejected", null,
          new io.vertx.core.json.JsonObject().put("reason", reason));
      throttles.metrics().reload("file", false);
    }
    return Future.succeededFuture();
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
