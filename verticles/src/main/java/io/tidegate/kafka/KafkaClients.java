package io.tidegate.kafka;

import io.tidegate.config.KafkaSettings;
import java.util.HashMap;
import java.util.Map;

/** Client configurations derived from {@link KafkaSettings}; operator properties are applied last. */
public final class KafkaClients {

  private KafkaClients() {
  }

  /**
   * The one producer of the process: acks=all and idempotent, so a 202 means the record is on every
   * in-sync replica, and a retried send never duplicates it. {@code max.block.ms} is short so a
   * full buffer or a missing broker turns into a fast failure (503) rather than a hang.
   */
  public static Map<String, String> producer(KafkaSettings s) {
    Map<String, String> c = common(s, s.clientId());
    c.put("acks", "all");
    c.put("enable.idempotence", "true");
    c.put("max.in.flight.requests.per.connection", "5");
    c.put("linger.ms", "2");
    int requestTimeout = Math.max(100, Math.min(30_000, s.sendTimeoutMs() / 2));
    c.put("request.timeout.ms", Integer.toString(requestTimeout));
    c.put("delivery.timeout.ms", Integer.toString(Math.max(s.sendTimeoutMs(), requestTimeout + 2)));
    c.put("max.block.ms", "2000");
    c.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    c.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    c.putAll(s.properties());
    return c;
  }

  /**
   * A read-model consumer: no group, no commits — it assigns itself every partition and replays
   * the compacted topic from the beginning at each start.
   */
  public static Map<String, String> readModelConsumer(KafkaSettings s, String name) {
    Map<String, String> c = common(s, s.clientId() + "-" + name);
    c.put("enable.auto.commit", "false");
    c.put("auto.offset.reset", "earliest");
    c.put("max.poll.records", "10000");
    c.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    c.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    c.putAll(s.properties());
    return c;
  }

  /**
   * A consumer in a group that commits by hand, only after the outcome of its records is recorded
   * (at-least-once; the work it does is idempotent). {@code max.poll.interval.ms} is long because a
   * batch may wait out an ERP outage; heartbeats keep the membership meanwhile.
   */
  public static Map<String, String> groupConsumer(KafkaSettings s, String name, String group, int maxPollRecords) {
    Map<String, String> c = common(s, s.clientId() + "-" + name);
    c.put("group.id", group);
    c.put("enable.auto.commit", "false");
    c.put("auto.offset.reset", "earliest");
    c.put("max.poll.records", Integer.toString(maxPollRecords));
    c.put("max.poll.interval.ms", "1800000");
    c.put("session.timeout.ms", "10000");
    c.put("heartbeat.interval.ms", "2000");
    c.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    c.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    c.putAll(s.properties());
    return c;
  }

  public static Map<String, String> admin(KafkaSettings s) {
    Map<String, String> c = common(s, s.clientId() + "-admin");
    c.put("request.timeout.ms", "3000");
    c.put("default.api.timeout.ms", "3000");
    c.putAll(s.properties());
    return c;
  }

  private static Map<String, String> common(KafkaSettings s, String clientId) {
    Map<String, String> c = new HashMap<>();
    c.put("bootstrap.servers", s.bootstrapServers());
    c.put("client.id", clientId);
    return c;
  }
}
