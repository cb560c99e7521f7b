package io.tidegate.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The delay gauge follows the probes of deployed verticles only. */
class EventLoopDelayTest {

  private final Vertx vertx = Vertx.vertx();
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final EventLoopDelay delay = new EventLoopDelay(registry);

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  /** An HTTP verticle's stand-in: probes its loop and keeps it 200 ms behind, task after task. */
  private final class BusyVerticle extends VerticleBase {
    @Override
    public Future<?> start() {
      delay.probeThisLoop(vertx);
      keepBusy();
      return Future.succeededFuture();
    }

    private void keepBusy() {
      long until = System.nanoTime() + Duration.ofMillis(200).toNanos();
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      vertx.setTimer(1, id -> keepBusy());
    }
  }

  @Test
  void anUndeployedVerticlesProbeNoLongerCountsInTheGauge() {
    String id = vertx.deployVerticle(new BusyVerticle()).await();
    awaitGauge(delay -> delay >= 0.05);

    vertx.undeploy(id).await();
    // its timers are cancelled, so its probe keeps its last (late) sample for ever: it must not count
    assertEquals(0.0, gauge(), "gauge after the only probed verticle was undeployed");
  }

  private double gauge() {
    return registry.get("gateway_event_loop_delay_seconds").gauge().value();
  }

  /** Polls the gauge on a Vert.x timer every 20 ms until {@code done} holds; fails after 20 s. */
  private void awaitGauge(java.util.function.DoublePredicate done) {
    Promise<Void> reached = Promise.promise();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    vertx.setPeriodic(20, timer -> {
      if (done.test(gauge())) {
        vertx.cancelTimer(timer);
        reached.tryComplete();
      } else if (System.nanoTime() > deadline) {
        vertx.cancelTimer(timer);
        reached.tryFail(new AssertionError("gauge still " + gauge() + " after 20 s"));
      }
    });
    reached.future().await();
  }
}
