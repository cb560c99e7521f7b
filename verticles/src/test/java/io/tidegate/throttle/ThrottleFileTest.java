package io.tidegate.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidegate.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ThrottleFileTest {

  @Test
  void theShippedOperatorFileIsValid() throws Exception {
    String text = Files.readString(Path.of("..", "config", "throttles.yaml"));
    ThrottleSettings s = ThrottleFile.parse(text, Set.of("webshop", "marketplace"));
    assertTrue(s.limitsFor("webshop").critical());
    assertEquals(100, s.limitsFor("marketplace").policy("atp").quota());
    assertEquals(200, s.limitsFor("marketplace").policy("atp").burst());
    assertEquals(4, s.overload().size());
    assertEquals(100, s.overload().get("atp").maxDelayMs());
    assertEquals(100, s.overload().get("orders").maxDelayMs());
  }

  @Test
  void layersDefaultsPlanAndChannel() {
    ThrottleSettings s = Fixtures.settings();
    ChannelLimits webshop = s.limitsFor("webshop");
    assertEquals(new RatePolicy("atp", 500, 1, 1000), webshop.policy("atp"), "from the plan");
    assertEquals(new RatePolicy("orders", 10, 1, 20), webshop.policy("orders"), "from defaults");
    assertEquals(256, webshop.maxConcurrent());
    assertTrue(webshop.critical());

    ChannelLimits marketplace = s.limitsFor("marketplace");
    assertEquals(RatePolicy.of("atp", 3, 60), marketplace.policy("atp"), "burst defaults to quota");
    assertEquals(2, marketplace.maxConcurrent());
    assertFalse(marketplace.critical());

    assertEquals(s.defaults(), s.limitsFor("edi-partner"), "a channel the file does not name gets defaults");
    assertEquals(new OverloadSettings(1, 1000, 200, true, 0), s.overload().get("atp"));
  }

  @Test
  void pricingIsAnotherNameOfThePricesPolicyButNotASecondOne() {
    ThrottleSettings s = ThrottleFile.parse(Fixtures.FILE.replace("prices: { quota: 20,", "pricing: { quota: 20,"));
    assertEquals(new RatePolicy("prices", 20, 1, 20), s.defaults().policy("prices"));
    ConfigException twice = assertThrows(ConfigException.class, () -> ThrottleFile.parse(Fixtures.FILE.replace(
        "prices: { quota: 20,  windowSeconds: 1 }", "prices: { quota: 20,  windowSeconds: 1 }\n    pricing: { quota: 2, windowSeconds: 1 }")));
    assertTrue(twice.getMessage().contains("each policy once"), twice.getMessage());
  }

  @Test
  void channelsOutsideTheGatewayAreAnErrorOnlyWhenTheyAreKnown() {
    assertEquals(2, ThrottleFile.parse(Fixtures.FILE).channels().size());
    ConfigException e = assertThrows(ConfigException.class, () -> ThrottleFile.parse(Fixtures.FILE, Set.of("webshop")));
    assertTrue(e.getMessage().contains("'channels.marketplace'"), e.getMessage());
  }

  static Stream<Arguments> badFiles() {
    return Stream.of(
        bad("unknown root key", "plans:", "limits: {}\nplans:", "'limits'"),
        bad("unknown policy key", "atp: { quota: 3, windowSeconds: 60 }", "atp: { quota: 3, windowSeconds: 60, rate: 1 }",
            "'channels.marketplace.policies.atp.rate'"),
        bad("unknown channel key", "    plan: gold", "    plan: gold\n    tier: 1", "'channels.webshop.tier'"),
        bad("unknown policy name", "atp: { quota: 3, windowSeconds: 60 }",
            "atp: { quota: 3, windowSeconds: 60 }\n      search: { quota: 1, windowSeconds: 1 }", "'search'"),
        bad("zero quota", "quota: 3,", "quota: 0,", "'channels.marketplace.policies.atp.quota' has value '0', expected an integer from 1"),
        bad("quota not a number", "quota: 3,", "quota: three,", "'channels.marketplace.policies.atp.quota' has value 'three'"),
        bad("quota a fraction", "quota: 3,", "quota: 2.5,", "expected an integer"),
        bad("quota missing", "atp: { quota: 3, windowSeconds: 60 }", "atp: { windowSeconds: 60 }", "(it is required)"),
        bad("window too long", "windowSeconds: 60", "windowSeconds: 90000", "'channels.marketplace.policies.atp.windowSeconds' has value '90000'"),
        bad("negative burst", "burst: 1000", "burst: -1", "'plans.gold.policies.atp.burst' has value '-1'"),
        bad("zero maxConcurrent", "maxConcurrent: 2", "maxConcurrent: 0", "'channels.marketplace.maxConcurrent' has value '0'"),
        bad("critical not a boolean", "critical: true", "critical: yes please", "'plans.gold.critical'"),
        bad("unknown plan", "plan: gold", "plan: platinum", "'channels.webshop.plan' has value 'platinum', expected one of the plans [gold]"),
        bad("bad channel name", "  marketplace:", "  Market Place:", "a name of lowercase letters"),
        bad("default policy missing", "    status: { quota: 20,  windowSeconds: 1 }\n", "", "'defaults.policies.status'"),
        bad("overload floor above ceiling", "atp:    { minLimit: 1, maxLimit: 1000", "atp:    { minLimit: 2000, maxLimit: 1000",
            "'overload.atp.maxLimit' has value '1000', expected an integer from 2000"),
        bad("initial limit outside", "initialLimit: 50,", "initialLimit: 500,", "'overload.orders.initialLimit' has value '500'"),
        bad("adaptive not a boolean", "initialLimit: 50,  adaptive: true", "initialLimit: 50,  adaptive: 1", "'overload.orders.adaptive'"),
        bad("negative maxDelayMs", "initialLimit: 50,  adaptive: true", "initialLimit: 50,  adaptive: true, maxDelayMs: -1",
            "'overload.orders.maxDelayMs' has value '-1', expected an integer from 0 to 60000"),
        bad("route class missing", "  status: { minLimit: 1, maxLimit: 500,  initialLimit: 100, adaptive: true }\n", "",
            "'overload.status'"),
        bad("not a mapping", "  gold:\n", "  gold: 5\n  silver:\n", "'plans.gold' has value '5'"),
        bad("duplicate key", "  marketplace:", "  webshop:", "Duplicate field 'webshop'"),
        bad("not YAML", "plans:", "plans: [", "not valid YAML"));
  }

  private static Arguments bad(String what, String from, String to, String expectedInMessage) {
    return Arguments.of(what, Fixtures.file(from, to), expectedInMessage);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void aBadFileIsRejectedWithKeyValueAndExpectation(String what, String yaml, String expectedInMessage) {
    ConfigException e = assertThrows(ConfigException.class, () -> ThrottleFile.parse(yaml, Fixtures.CHANNELS));
    assertTrue(e.getMessage().contains(expectedInMessage), what + ": " + e.getMessage());
  }

  @Test
  void anEmptyFileIsRejected() {
    ConfigException e = assertThrows(ConfigException.class, () -> ThrottleFile.parse("# nothing\n"));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
  }
}
