package io.tidegate.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The bare Vert.x server that {@code load-tests/bench} measures the gateway against, in the same
 * run, with the same load generator settings. It has none of the gateway's work: no routing
 * library, no validation, no authentication, no metrics.
 *
 * <ul>
 *   <li>Every request except {@code POST /orders}: reads the request body (if any) and answers
 *       {@code 200} with a fixed JSON body of exactly {@code --json-bytes} bytes (the size of the
 *       gateway answer being compared).</li>
 *   <li>{@code POST /orders} (only with {@code --kafka}): produces one record built from the body to
 *       {@code --topic} with the gateway's producer settings (acks=all, idempotent) and answers
 *       {@code 202} after the broker acknowledged it, {@code 503} if it did not.</li>
 * </ul>
 *
 * <p>One HTTP verticle instance per core by default, as the gateway deploys.
 */
public final class BaselineServer {

  private final Vertx vertx;
  private final Options options;
  private final Buffer jsonBody;
  private final KafkaProducer<String, byte[]> producer;

  BaselineServer(Vertx vertx, Options options) {
    this.vertx = vertx;
    this.options = options;
    this.jsonBody = Buffer.buffer(jsonOfSize(options.jsonBytes()));
    this.producer = options.kafka() == null ? null : KafkaProducer.create(vertx, producerConfig(options.kafka()));
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    if (options.kafka() != null) {
      ensureTopic(options.kafka(), options.topic(), options.mirrorTopic());
    }
    Vertx vertx = Vertx.vertx();
    BaselineServer server = new BaselineServer(vertx, options);
    int port = server.start().await();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop().await(), "baseline-shutdown"));
    System.out.printf("baseline listening on http://%s:%d (%d instance(s), %d-byte JSON body%s)%n",
        options.host(), port, options.instances(), options.jsonBytes(),
        options.kafka() == null ? "" : ", POST /orders -> " + options.topic() + " @ " + options.kafka());
  }

  /**
   * Deploys the HTTP instances; the future holds the port actually bound. All instances ask for
   * the same port and Vert.x shares it between them. Port 0 works with one instance only (Vert.x 5
   * gives each port-0 instance its own random port; binding the others to the first one's actual
   * port fails with "address already in use"), which the check below reports.
   */
  public Future<Integer> start() {
    List<Listener> listeners = new CopyOnWriteArrayList<>();
    return vertx.deployVerticle(() -> {
      Listener l = new Listener(options.port());
      listeners.add(l);
      return l;
    }, new DeploymentOptions().setInstances(options.instances())).map(id -> {
      Set<Integer> ports = new TreeSet<>();
      listeners.forEach(l -> ports.add(l.server.actualPort()));
      if (ports.size() != 1) {
        throw new IllegalStateException("instances listen on different ports: " + ports);
      }
      return ports.iterator().next();
    });
  }

  public Future<Void> stop() {
    Future<Void> closed = producer == null ? Future.succeededFuture() : producer.close(5000);
    return closed.transform(v -> vertx.close());
  }

  /** A JSON object of exactly {@code bytes} UTF-8 bytes. */
  static String jsonOfSize(int bytes) {
    String head = "{\"pad\":\"";
    String tail = "\"}";
    int pad = bytes - head.length() - tail.length();
    if (pad < 0) {
      throw new IllegalArgumentException("--json-bytes must be at least " + (head.length() + tail.length()));
    }
    return head + "x".repeat(pad) + tail;
  }

  private final class Listener extends VerticleBase {
    private final int port;
    private HttpServer server;

    Listener(int port) {
      this.port = port;
    }

    @Override
    public Future<?> start() {
      HttpServerOptions http = new HttpServerOptions().setHost(options.host()).setPort(port)
          .setIdleTimeout(30).setIdleTimeoutUnit(TimeUnit.SECONDS).setAcceptBacklog(1024);
      return vertx.createHttpServer(http).requestHandler(this::handle).listen().onSuccess(s -> server = s);
    }

    private void handle(HttpServerRequest req) {
      if (producer != null && req.method() == HttpMethod.POST && req.path().equals("/orders")) {
        req.body().onSuccess(body -> produce(req, body)).onFailure(e -> req.response().setStatusCode(400).end());
        return;
      }
      req.body().onComplete(ignored -> req.response()
          .putHeader("Content-Type", "application/json")
          .end(jsonBody));
    }

    private void produce(HttpServerRequest req, Buffer body) {
      String orderId = UUID.randomUUID().toString();
      String correlationId = UUID.randomUUID().toString();
      Buffer value = Buffer.buffer(256 + body.length())
          .appendString("{\"eventId\":\"").appendString(UUID.randomUUID().toString())
          .appendString("\",\"type\":\"OrderAccepted\",\"schemaVersion\":1,\"occurredAt\":\"")
          .appendString(Instant.now().toString())
          .appendString("\",\"correlationId\":\"").appendString(correlationId)
          .appendString("\",\"source\":\"baseline\",\"data\":{\"orderId\":\"").appendString(orderId)
          .appendString("\",\"order\":").appendBuffer(body).appendString("}}");
      KafkaProducerRecord<String, byte[]> record = KafkaProducerRecord.create(options.topic(), orderId, value.getBytes())
          .addHeader("correlationId", correlationId)
          .addHeader("type", "OrderAccepted");
      producer.send(record).onComplete(ack -> {
        if (ack.succeeded()) {
          String location = "/v1/orders/" + orderId;
          req.response().setStatusCode(202).putHeader("Content-Type", "application/json").putHeader("Location", location)
              .end("{\"orderId\":\"" + orderId + "\",\"status\":\"ACCEPTED\",\"statusUrl\":\"" + location + "\"}");
        } else {
          req.response().setStatusCode(503).putHeader("Retry-After", "1").end();
        }
      });
    }
  }

  /** The gateway's producer settings (io.tidegate.kafka.KafkaClients#producer with its defaults). */
  static Map<String, String> producerConfig(String bootstrap) {
    Map<String, String> c = new HashMap<>();
    c.put("bootstrap.servers", bootstrap);
    c.put("client.id", "tidegate-bench-baseline");
    c.put("acks", "all");
    c.put("enable.idempotence", "true");
    c.put("max.in.flight.requests.per.connection", "5");
    c.put("linger.ms", "2");
    c.put("request.timeout.ms", "5000");
    c.put("delivery.timeout.ms", "10000");
    c.put("max.block.ms", "2000");
    c.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    c.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    return c;
  }

  /** Creates the baseline topic with the partition count of the topic it stands in for. */
  private static void ensureTopic(String bootstrap, String topic, String mirror)
      throws InterruptedException, ExecutionException, TimeoutException {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("request.timeout.ms", "5000");
    p.put("default.api.timeout.ms", "5000");
    try (Admin admin = Admin.create(p)) {
      int partitions = 3;
      short replicas = 1;
      try {
        TopicDescription d = admin.describeTopics(List.of(mirror)).allTopicNames().get(10, TimeUnit.SECONDS).get(mirror);
        partitions = d.partitions().size();
        replicas = (short) d.partitions().get(0).replicas().size();
      } catch (ExecutionException e) {
        System.out.println("baseline: " + mirror + " not found (" + e.getCause().getMessage() + "); using "
            + partitions + " partition(s)");
      }
      try {
        admin.createTopics(List.of(new NewTopic(topic, partitions, replicas))).all().get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
  }

  /** Command line: {@code --host --port --json-bytes --instances --kafka --topic --mirror-topic}. */
  record Options(String host, int port, int jsonBytes, int instances, String kafka, String topic, String mirrorTopic) {

    private static final Set<String> KNOWN =
        Set.of("host", "port", "json-bytes", "instances", "kafka", "topic", "mirror-topic");

    static Options parse(String[] args) {
      Map<String, String> a = CommandLine.options(args, KNOWN, "BaselineServer [--host 127.0.0.1] [--port 8181] "
          + "[--json-bytes 512] [--instances <cores>] [--kafka host:port [--topic t] [--mirror-topic t]]");
      return new Options(a.getOrDefault("host", "127.0.0.1"),
          Integer.parseInt(a.getOrDefault("port", "8181")),
          Integer.parseInt(a.getOrDefault("json-bytes", "512")),
          Integer.parseInt(a.getOrDefault("instances", Integer.toString(Runtime.getRuntime().availableProcessors()))),
          a.get("kafka"),
          a.getOrDefault("topic", "bench.baseline.orders.v1"),
          a.getOrDefault("mirror-topic", "orders.accepted.v1"));
    }
  }
}
