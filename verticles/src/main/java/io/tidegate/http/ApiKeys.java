package io.tidegate.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps API keys to principals. Keys exist in configuration only as {@code sha256:<hex>} hashes.
 * A presented key is hashed and compared against every configured hash with
 * {@link MessageDigest#isEqual} without stopping at the first match, so the time taken does not
 * depend on which hash (if any) matched. API keys are long random secrets, so a fast hash is the
 * right tool here (a slow password hash would put milliseconds on every request).
 */
public final class ApiKeys<P> {

  private record Entry<P>(byte[] hash, P principal) {
  }

  private final List<Entry<P>> entries;

  public ApiKeys(Map<String, P> principalByHash) {
    this.entries = principalByHash.entrySet().stream()
        .map(e -> new Entry<>(HexFormat.of().parseHex(e.getKey().substring("sha256:".length())), e.getValue()))
        .toList();
  }

  public Optional<P> lookup(String presentedKey) {
    if (presentedKey == null || presentedKey.isEmpty() || presentedKey.length() > 512) {
      return Optional.empty();
    }
    byte[] hash = sha256(presentedKey);
    P found = null;
    for (Entry<P> entry : entries) {
      if (MessageDigest.isEqual(entry.hash(), hash)) {
        found = entry.principal();
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * A short, stable name for a configured key in logs: the first 8 hex digits of its configured hash
   * ({@code sha256:df76ff79…} is {@code key:df76ff79}), enough to find the entry, nothing to use.
   */
  public static String fingerprint(String configuredHash) {
    return "key:" + configuredHash.substring("sha256:".length(), "sha256:".length() + 8);
  }

  public static String hash(String key) {
    return "sha256:" + HexFormat.of().formatHex(sha256(key));
  }

  /** One digest per thread: {@code MessageDigest.getInstance} walks the security providers on every call. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  });

  private static byte[] sha256(String key) {
    return SHA256.get().digest(key.getBytes(StandardCharsets.UTF_8));
  }
}
