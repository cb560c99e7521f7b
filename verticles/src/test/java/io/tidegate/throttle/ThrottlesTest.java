package io.tidegate.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidegate.config.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ThrottlesTest {

  private final Fixtures.ManualClock clock = new Fixtures.ManualClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Throttles throttles = new Throttles(Fixtures.settings(), Fixtures.CHANNELS, registry, clock::nanoTime);

  private double reloads(String source, String outcome) {
    var counter = registry.find("gateway_throttle_reloads_total").tag("source", source).tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aFileReloadReplacesTheLimits() {
    throttles.replaceAll(ThrottleFile.parse(Fixtures.file("quota: 3,", "quota: 7,"), Fixtures.CHANNELS));
    assertEquals(7, throttles.limits("marketplace").orElseThrow().policy("atp").quota());
    assertEquals(1, reloads("file", "applied"));
  }

  @Test
  void aFileNamingAnUnknownChannelChangesNothing() {
    ThrottleSettings before = throttles.settings();
    ThrottleSettings other = ThrottleFile.parse(Fixtures.file("  marketplace:", "  edi:"));
    assertThrows(ConfigException.class, () -> throttles.replaceAll(other));
    assertSame(before, throttles.settings());
    assertEquals(1, reloads("file", "rejected"));
  }

  @Test
  void adminOverridesLastUntilTheFileChangesThatChannel() {
    ChannelLimits custom = throttles.limits("webshop").orElseThrow().withPolicies(List.of(RatePolicy.of("atp", 9, 1)));
    throttles.replaceChannel("webshop", custom);
    throttles.replaceChannel("marketplace", throttles.limits("marketplace").orElseThrow()
        .withPolicies(List.of(RatePolicy.of("prices", 9, 1))));
    assertTrue(throttles.overridden("webshop"));
    assertEquals(custom, throttles.limits("webshop").orElseThrow());

    throttles.replaceAll(ThrottleFile.parse(Fixtures.file("quota: 3,", "quota: 7,"), Fixtures.CHANNELS));
    assertTrue(throttles.overridden("webshop"), "the reload did not touch webshop");
    assertEquals(custom, throttles.limits("webshop").orElseThrow());
    assertFalse(throttles.overridden("marketplace"), "the reload changed marketplace: the file wins");
    assertEquals(20, throttles.limits("marketplace").orElseThrow().policy("prices").quota());
    assertEquals(2, reloads("admin", "applied"));
  }

  @Test
  void resettingAChannelDropsItsAdminChangeAndLeavesTheOthers() {
    ChannelLimits fromFile = throttles.limits("webshop").orElseThrow();
    ChannelLimits custom = fromFile.withPolicies(List.of(RatePolicy.of("atp", 9, 1)));
    throttles.replaceChannel("webshop", custom);
    ChannelLimits marketplace = throttles.limits("marketplace").orElseThrow()
        .withPolicies(List.of(RatePolicy.of("prices", 9, 1)));
    throttles.replaceChannel("marketplace", marketplace);

    assertTrue(throttles.resetChannel("webshop"));
    assertFalse(throttles.overridden("webshop"));
    assertEquals(fromFile, throttles.limits("webshop").orElseThrow());
    assertEquals(marketplace, throttles.limits("marketplace").orElseThrow(), "another channel's change stays");
    assertEquals(3, reloads("admin", "applied"));

    assertFalse(throttles.resetChannel("webshop"), "nothing left to drop");
    assertEquals(fromFile, throttles.limits("webshop").orElseThrow());
    assertEquals(3, reloads("admin", "applied"), "a reset that changed nothing is not counted");
    assertThrows(NoSuchElementException.class, () -> throttles.resetChannel("edi"));
    assertEquals(1, reloads("admin", "rejected"));
  }

  @Test
  void adminPolicyReplacementValidatesFirst() {
    JsonArray body = new JsonArray().add(new JsonObject().put("name", "atp").put("quota", 50).put("windowSeconds", 10));
    ChannelLimits now = throttles.replaceChannelPolicies("marketplace", body);
    assertEquals(RatePolicy.of("atp", 50, 10), now.policy("atp"));
    assertEquals(2, now.maxConcurrent(), "what the body does not name stays");
    assertEquals(now, throttles.limits("marketplace").orElseThrow());

    JsonArray zero = new JsonArray().add(new JsonObject().put("name", "atp").put("quota", 0).put("windowSeconds", 1));
    ConfigException e = assertThrows(ConfigException.class, () -> throttles.replaceChannelPolicies("marketplace", zero));
    assertTrue(e.getMessage().contains("'policies[0].quota' has value '0'"), e.getMessage());
    JsonObject atp = new JsonObject().put("name", "atp").put("quota", 5).put("windowSeconds", 1);
    assertThrows(ConfigException.class, () -> throttles.replaceChannelPolicies("marketplace", new JsonArray().add(atp).add(atp)));
    assertThrows(ConfigException.class, () -> throttles.replaceChannelPolicies("marketplace",
        new JsonArray().add(atp.copy().put("name", "search"))));
    assertThrows(NoSuchElementException.class, () -> throttles.replaceChannelPolicies("edi", new JsonArray()));
    assertEquals(now, throttles.limits("marketplace").orElseThrow(), "rejected changes leave the limits alone");
    assertEquals(4, reloads("admin", "rejected"));
  }

  @Test
  void unknownChannelsHaveNoLimits() {
    assertTrue(throttles.limits("edi").isEmpty());
    assertThrows(NoSuchElementException.class, () -> throttles.replaceChannel("edi", throttles.settings().defaults()));
  }

  @Test
  void bucketsKeepTheirFillAcrossAReload() {
    ChannelState state = new ChannelState("marketplace", throttles.metrics(), clock::nanoTime);
    TokenBucket atp = state.bucket(0, throttles.limits("marketplace").orElseThrow().policy("atp"));
    TokenBucket prices = state.bucket(1, throttles.limits("marketplace").orElseThrow().policy("prices"));
    int taken = 0;
    while (atp.tryTake().allowed()) {
      taken++;
    }
    assertEquals(3, taken);
    throttles.replaceAll(ThrottleFile.parse(Fixtures.file("quota: 3,", "quota: 30,"), Fixtures.CHANNELS));
    ChannelLimits next = throttles.limits("marketplace").orElseThrow();
    TokenBucket atpAfter = state.bucket(0, next.policy("atp"));
    assertEquals(30, atpAfter.policy().quota());
    assertFalse(atpAfter.tryTake().allowed(), "still drained: a reload grants no fresh burst");
    assertSame(prices, state.bucket(1, next.policy("prices")), "an unchanged policy keeps its bucket");
  }

  @Test
  void readersSeeEitherTheOldOrTheNewLimitsNeverAMix() throws Exception {
    ThrottleSettings a = ThrottleFile.parse(Fixtures.file("quota: 3,", "quota: 3,").replace("maxConcurrent: 2\n", "maxConcurrent: 3\n"));
    ThrottleSettings b = ThrottleFile.parse(Fixtures.file("quota: 3,", "quota: 4,").replace("maxConcurrent: 2\n", "maxConcurrent: 4\n"));
    throttles.replaceAll(a);
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Future<Integer>> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      readers.add(pool.submit(() -> {
        int mixed = 0;
        while (!stop.get()) {
          ChannelLimits seen = throttles.limits("marketplace").orElseThrow();
          if (seen.policy("atp").quota() != seen.maxConcurrent()) {
            mixed++;
          }
        }
        return mixed;
      }));
    }
    Future<?> writer = pool.submit(() -> {
      for (int i = 0; i < 20_000; i++) {
        throttles.replaceAll(i % 2 == 0 ? a : b);
      }
      stop.set(true);
    });
    writer.get(60, TimeUnit.SECONDS);
    for (Future<Integer> reader : readers) {
      assertEquals(0, reader.get(10, TimeUnit.SECONDS));
    }
    pool.shutdownNow();
  }

  @Test
  void anAdminChangeIsNotLostToAConcurrentFileReload() throws Exception {
    ThrottleSettings same = Fixtures.settings();
    ChannelLimits custom = throttles.limits("webshop").orElseThrow().withPolicies(List.of(RatePolicy.of("atp", 9, 1)));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Future<?> reloads = pool.submit(() -> {
      for (int i = 0; i < 20_000; i++) {
        throttles.replaceAll(same);
      }
    });
    Future<?> admin = pool.submit(() -> throttles.replaceChannel("webshop", custom));
    admin.get(60, TimeUnit.SECONDS);
    reloads.get(60, TimeUnit.SECONDS);
    pool.shutdownNow();
    assertEquals(custom, throttles.limits("webshop").orElseThrow());
  }
}
