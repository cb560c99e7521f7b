package io.tidegate.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The broker's own producer throughput, figure (b) of the orders benchmark, in the manner of
 * {@code kafka-producer-perf-test}: one producer with the gateway's settings (acks=all, idempotent,
 * linger 2 ms; {@link BaselineServer#producerConfig}) sends records as fast as the broker takes
 * them for {@code --seconds}, each the size of the newest record on {@code --size-of} (the
 * gateway's own order record) or {@code --record-bytes}. At most {@code --in-flight} records are
 * unacknowledged at a time, so latency is send-to-ack, not time spent in the client's buffer.
 * Prints one line: {@code BENCH_JSON {...}} with records/s and latency percentiles in ms.
 */
public final class ProducerThroughput {

  private ProducerThroughput() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = parse(args);
    String bootstrap = a.getOrDefault("kafka", "127.0.0.1:9092");
    String topic = a.getOrDefault("topic", "bench.baseline.orders.v1");
    int seconds = Integer.parseInt(a.getOrDefault("seconds", "20"));
    int inFlight = Integer.parseInt(a.getOrDefault("in-flight", "256"));
    int bytes = a.containsKey("size-of") ? newestRecordSize(bootstrap, a.get("size-of"))
        : Integer.parseInt(a.getOrDefault("record-bytes", "1024"));
    byte[] value = new byte[bytes];
    Arrays.fill(value, (byte) 'x');

    Properties p = new Properties();
    p.putAll(BaselineServer.producerConfig(bootstrap));
    p.put("client.id", "tidegate-bench-producer-perf");
    long[] latencies = new long[1 << 22];
    AtomicInteger done = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(inFlight);
    long sent = 0;
    long start;
    long end;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
      producer.partitionsFor(topic); // metadata before the clock starts
      start = System.nanoTime();
      long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < deadline && sent < latencies.length) {
        window.acquire();
        long t0 = System.nanoTime();
        producer.send(new ProducerRecord<>(topic, UUID.randomUUID().toString(), value), (md, e) -> {
          if (e != null) {
            errors.incrementAndGet();
          } else {
            int i = done.getAndIncrement();
            if (i < latencies.length) {
              latencies[i] = System.nanoTime() - t0;
            }
          }
          window.release();
        });
        sent++;
      }
      producer.flush();
      end = System.nanoTime();
    }
    int n = Math.min(done.get(), latencies.length);
    long[] sorted = Arrays.copyOf(latencies, n);
    Arrays.sort(sorted);
    double secs = (end - start) / 1e9;
    System.out.printf(java.util.Locale.ROOT, "BENCH_JSON {\"generator\":\"kafka-producer\",\"requests\":%d,"
            + "\"non2xx\":0,\"socket_errors\":%d,\"errors\":%d,\"rps\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
            + "\"p999_ms\":%.3f,\"max_ms\":%.3f,\"record_bytes\":%d,\"in_flight\":%d,\"topic\":\"%s\"}%n",
        n, errors.get(), errors.get(), n / secs, pct(sorted, 0.5), pct(sorted, 0.99), pct(sorted, 0.999),
        n == 0 ? 0.0 : sorted[n - 1] / 1e6, bytes, inFlight, topic);
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(sorted.length * p) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  /** The value size of the newest record on {@code topic} (any partition), read without a group. */
  static int newestRecordSize(String bootstrap, String topic) {
    Properties c = new Properties();
    c.put("bootstrap.servers", bootstrap);
    c.put("enable.auto.commit", "false");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(parts);
      Map<TopicPartition, Long> ends = consumer.endOffsets(parts, Duration.ofSeconds(10));
      ends.forEach((tp, end) -> consumer.seek(tp, Math.max(0, end - 1)));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      ConsumerRecord<byte[], byte[]> newest = null;
      while (System.nanoTime() < deadline && newest == null) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.value() != null && (newest == null || r.timestamp() > newest.timestamp())) {
            newest = r;
          }
        }
      }
      if (newest == null) {
        throw new IllegalStateException(topic + " has no record to take the size of");
      }
      return newest.value().length;
    }
  }

  private static Map<String, String> parse(String[] args) {
    Set<String> known = Set.of("kafka", "topic", "seconds", "in-flight", "size-of", "record-bytes");
    return CommandLine.options(args, known, "ProducerThroughput [--kafka 127.0.0.1:9092] "
        + "[--topic bench.baseline.orders.v1] [--seconds 20] [--in-flight 256] "
        + "[--size-of orders.accepted.v1 | --record-bytes 1024]");
  }
}
