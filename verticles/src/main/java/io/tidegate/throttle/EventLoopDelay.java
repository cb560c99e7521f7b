package io.tidegate.throttle;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * How far behind each HTTP event loop runs: the queueing delay that an in-flight limit cannot see.
 *
 * <p>A read such as {@code GET /v1/atp/{sku}} is answered synchronously, so at most one request per
 * event loop is ever "in flight" and the {@link LoadShedder}'s concurrency limit never trips for
 * it. When such requests arrive faster than a loop can answer them, they wait unread in socket
 * buffers instead, and every one of them gets slower. That wait shows as the loop running its
 * tasks late: a probe on each loop asks to run every {@link #PERIOD_MS} ms and records how late it
 * ran. The delay that counts is the smallest of the last {@link #WINDOW} samples: one garbage
 * collection pause or host stall, however long, sheds nothing, while a loop that stays behind is
 * shed from within a few of its own (late) samples. {@link LoadShedder} sheds on the delay of the
 * loop the request is on.
 *
 * <p>{@code gateway_event_loop_delay_seconds} shows the largest sustained delay over the loops.
 */
public final class EventLoopDelay {

  static final long PERIOD_MS = 10;
  static final int WINDOW = 3;

  /**
   * One event loop's sustained delay: the smallest of its last {@link #WINDOW} samples, so one
   * stall (a collection pause, the host taking the CPU away) counts for nothing, while a loop that
   * is late sample after sample counts at once. Written by its own probe, read by any thread.
   */
  static final class Probe {
    /** The Vert.x instance and the deployment that runs the probe; null in unit tests. */
    private final Vertx vertx;
    private final String deploymentId;
    private final long[] recent = new long[WINDOW];
    private int next;
    private volatile long sustainedNanos;

    Probe() {
      this(null, null);
    }

    private Probe(Vertx vertx, String deploymentId) {
      this.vertx = vertx;
      this.deploymentId = deploymentId;
    }

    /** Whether its verticle was undeployed (Vert.x then cancelled its timer, so it samples no more). */
    boolean gone() {
      return deploymentId != null && !vertx.deploymentIDs().contains(deploymentId);
    }

    void sample(long lateNanos) {
      recent[next] = Math.max(0, lateNanos);
      next = (next + 1) % WINDOW;
      long min = Long.MAX_VALUE;
      for (long late : recent) {
        min = Math.min(min, late);
      }
      sustainedNanos = min;
    }

    long sustainedNanos() {
      return sustainedNanos;
    }
  }

  private final ThreadLocal<Probe> ofThisThread = new ThreadLocal<>();
  private final List<Probe> probes = new CopyOnWriteArrayList<>();

  public EventLoopDelay(MeterRegistry registry) {
    Gauge.builder("gateway_event_loop_delay_seconds", this, d -> d.maxNanos() / 1e9)
        .description("Largest sustained delay of the HTTP event loops in running their tasks (queueing "
            + "the in-flight limit cannot see); above overload.<class>.maxDelayMs requests are shed")
        .strongReference(true).register(registry);
  }

  /**
   * Starts a probe on the event loop of the calling Vert.x context (an HTTP verticle's); it stops
   * with that verticle, whose timers Vert.x cancels on undeploy, and the gauge then forgets it.
   */
  public void probeThisLoop(Vertx vertx) {
    Probe probe = new Probe(vertx, vertx.getOrCreateContext().deploymentID());
    probes.add(probe);
    schedule(vertx, probe);
  }

  private void schedule(Vertx vertx, Probe probe) {
    long due = System.nanoTime() + PERIOD_MS * 1_000_000;
    vertx.setTimer(PERIOD_MS, id -> {
      if (ofThisThread.get() != probe) {
        ofThisThread.set(probe);
      }
      probe.sample(System.nanoTime() - due);
      schedule(vertx, probe);
    });
  }

  /** The sustained delay of the event loop the caller runs on; 0 on a thread without a probe. */
  public long currentNanos() {
    Probe probe = ofThisThread.get();
    return probe == null ? 0 : probe.sustainedNanos();
  }

  long maxNanos() {
    probes.removeIf(Probe::gone);
    long max = 0;
    for (Probe p : probes) {
      max = Math.max(max, p.sustainedNanos());
    }
    return max;
  }
}
