package io.tidegate.schemas.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidegate.schemas.events.EventCodec;
import io.tidegate.schemas.events.EventEnvelope;
import io.tidegate.schemas.events.EventType;
import io.tidegate.schemas.events.InvalidEventException;
import io.tidegate.schemas.events.InventoryPositionChanged;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Single-thread decode throughput of inventory events, i.e. what a replay of
 * {@code inventory.positions.v1} costs, for {@link EventCodec} and, as the baseline, for the same
 * validation done with vertx-json-schema 5 (reused validators, short-circuit output). A benchmark,
 * not a test: run it by hand and read the figures.
 *
 * <p>Prints wall-clock and the decoding thread's CPU time; on a shared machine the CPU-time
 * figure is the one that means "per core", and the ratio is the most stable number.
 *
 * <pre>
 * cd schemas
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *   io.tidegate.schemas.bench.DecodeThroughput [events, default 1000000]
 * </pre>
 */
public final class DecodeThroughput {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final String BASE = "https://tidegate.io/schemas/events/";

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    EventCodec codec = new EventCodec();
    int distinct = 10_000;
    byte[][] values = new byte[distinct][];
    for (int i = 0; i < distinct; i++) {
      InventoryPositionChanged position = new InventoryPositionChanged(
        String.format("SKU-%04d", i % 1000), i % 2 == 0 ? "DC1" : "DC2", i, 120 + i % 50, 10, 2, 5,
        i % 3 == 0 ? List.of() : List.of(new InventoryPositionChanged.InTransit(50, LocalDate.of(2026, 12, 1 + i % 28))));
      values[i] = codec.encode(EventEnvelope.of(EventType.INVENTORY_POSITION_CHANGED, "replay-" + i, "wms", position));
    }
    System.out.printf("inventory event, ~%d bytes%n", values[1].length);

    Decoder tidegate = value -> codec.decode(value).schemaVersion();
    Decoder vertx = vertxJsonSchemaDecoder();

    measure("EventCodec (warm-up)", tidegate, values, Math.min(events, 200_000));
    measure("EventCodec (warm-up)", tidegate, values, Math.min(events, 200_000));
    double codecRate = measure("EventCodec", tidegate, values, events);
    int baselineEvents = Math.max(1, events / 50);
    measure("vertx-json-schema (warm-up)", vertx, values, baselineEvents);
    double vertxRate = measure("vertx-json-schema", vertx, values, baselineEvents);
    System.out.printf("EventCodec / vertx-json-schema: %.1fx%n", codecRate / vertxRate);
  }

  /** Returns events per CPU-second of the decoding thread. */
  private static double measure(String name, Decoder decoder, byte[][] values, int n) throws Exception {
    long sink = 0;
    long start = System.nanoTime();
    long cpuStart = THREADS.getCurrentThreadCpuTime();
    for (int i = 0; i < n; i++) {
      sink += decoder.decode(values[i % values.length]);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9;
    System.out.printf("%-28s %,10d events: wall %6.2f s = %,9.0f/s | thread CPU %6.2f s = %,9.0f/s per core (%.1f us/event)%s%n",
      name, n, seconds, n / seconds, cpuSeconds, n / cpuSeconds, cpuSeconds * 1e6 / n, sink == 42 ? " " : "");
    return n / cpuSeconds;
  }

  /** Parse to maps, validate envelope and data with vertx-json-schema, map data to the record. */
  @SuppressWarnings("unchecked")
  private static Decoder vertxJsonSchemaDecoder() throws IOException {
    JsonSchemaOptions options = new JsonSchemaOptions()
      .setDraft(Draft.DRAFT202012).setBaseUri(BASE).setOutputFormat(OutputFormat.Flag);
    SchemaRepository repository = SchemaRepository.create(options);
    repository.dereference(JsonSchema.of(resource("events/envelope.schema.json")));
    repository.dereference(JsonSchema.of(resource("events/InventoryPositionChanged.v1.schema.json")));
    Validator envelope = repository.validator(BASE + "envelope.schema.json", options);
    Validator data = repository.validator(BASE + "InventoryPositionChanged.v1.schema.json", options);
    ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();
    return value -> {
      Map<String, Object> root = mapper.readValue(value, Map.class);
      if (!envelope.validate(root).getValid() || !data.validate(root.get("data")).getValid()) {
        throw new InvalidEventException("invalid");
      }
      return mapper.convertValue(root.get("data"), InventoryPositionChanged.class).onHand();
    };
  }

  private static JsonObject resource(String name) throws IOException {
    try (InputStream in = DecodeThroughput.class.getClassLoader().getResourceAsStream(name)) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private interface Decoder {
    long decode(byte[] value) throws Exception;
  }

  private DecodeThroughput() {
  }
}
