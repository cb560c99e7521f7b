package io.tidegate.dev.erp;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.serialization.BufferSerializer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The record shape on the wire, through kafka-clients' own MockProducer (no broker here). */
/* generous deadline: on a busy 2-core machine the first test pays ~30 s of class loading */
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
@ExtendWith(VertxExtension.class)
class KafkaStatusSinkTest {

  @Test
  void publishesKeyedByOrderIdWithCorrelationAndTypeHeaders(Vertx vertx, VertxTestContext ctx) {
    MockProducer<String, Buffer> mock = new MockProducer<>(true, new StringSerializer(), new BufferSerializer());
    KafkaStatusSink sink = new KafkaStatusSink(KafkaProducer.create(vertx, mock));
    Buffer event = Buffer.buffer("{\"type\":\"ErpOrderStatusChanged\"}");
    sink.publish("O-1", "corr-1", event).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(1, mock.history().size());
      ProducerRecord<String, Buffer> r = mock.history().get(0);
      assertEquals("orders.erp-status.v1", r.topic());
      assertEquals("O-1", r.key());
      assertEquals(event, r.value());
      assertEquals("corr-1", header(r, "correlationId"));
      assertEquals("ErpOrderStatusChanged", header(r, "type"));
      ctx.completeNow();
    })));
  }

  @Test
  void aFailedSendFailsThePublishFuture(Vertx vertx, VertxTestContext ctx) {
    MockProducer<String, Buffer> mock = new MockProducer<>(false, new StringSerializer(), new BufferSerializer());
    KafkaStatusSink sink = new KafkaStatusSink(KafkaProducer.create(vertx, mock));
    sink.publish("O-1", "corr-1", Buffer.buffer("{}")).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertEquals("broker gone", err.getMessage());
      ctx.completeNow();
    })));
    vertx.setPeriodic(10, id -> {
      if (mock.errorNext(new IllegalStateException("broker gone"))) {
        vertx.cancelTimer(id);
      }
    });
  }

  private static String header(ProducerRecord<String, Buffer> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
