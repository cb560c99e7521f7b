package io.tidegate.orders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Order ids are derived, not drawn: {@code orderId = UUIDv5-style(channel, Idempotency-Key,
 * hash of the canonical body)}. A retry of the same request therefore always names the same order,
 * whatever happened to the idempotency store in between (unreachable, an instance killed between
 * the Kafka ack and the store update, a lease taken over): at worst the same order id reaches
 * {@code orders.accepted.v1} twice, and everything downstream (the ERP's idempotency key, the
 * status store's primary key, the soft reservations) is keyed by it. The body hash is part of the
 * name so that a key legitimately reused after its retention window names a new order.
 */
public final class OrderIds {

  private static final ObjectMapper CANONICAL = new ObjectMapper()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private OrderIds() {
  }

  /** SHA-256 (hex) of the body with object keys sorted and no whitespace: equal for equal JSON. */
  public static String requestHash(JsonNode body) {
    try {
      Object plain = CANONICAL.treeToValue(body, Object.class);
      return HexFormat.of().formatHex(sha256(CANONICAL.writeValueAsBytes(plain)));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("body cannot be canonicalised", e);
    }
  }

  /** A name-based (SHA-256, version 5 layout) UUID of channel, key and request hash. */
  public static String orderId(String channel, String idempotencyKey, String requestHash) {
    // Length-prefixed, so no two (channel, key) pairs can spell the same name.
    String name = channel.length() + ":" + channel + idempotencyKey.length() + ":" + idempotencyKey + requestHash;
    byte[] h = sha256(name.getBytes(StandardCharsets.UTF_8));
    h[6] = (byte) ((h[6] & 0x0f) | 0x50);
    h[8] = (byte) ((h[8] & 0x3f) | 0x80);
    long msb = 0;
    long lsb = 0;
    for (int i = 0; i < 8; i++) {
      msb = (msb << 8) | (h[i] & 0xff);
      lsb = (lsb << 8) | (h[i + 8] & 0xff);
    }
    return new UUID(msb, lsb).toString();
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
