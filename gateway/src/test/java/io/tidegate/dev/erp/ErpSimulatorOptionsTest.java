package io.tidegate.dev.erp;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErpSimulatorOptionsTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    ErpSimulatorOptions o = ErpSimulatorOptions.fromEnv(Map.of("PATH", "/bin"));
    assertEquals(ErpSimulatorOptions.defaults(), o);
    assertEquals("127.0.0.1", o.host());
    assertEquals(8090, o.port());
    assertEquals(20, o.latencyMs());
    assertEquals(10, o.jitterMs());
    assertEquals(50, o.ratePerSecond());
    assertEquals(0.0, o.failureRate());
    assertEquals(0.0, o.timeoutRate());
    assertEquals(30_000, o.timeoutHoldMs());
    assertFalse(o.down());
    assertEquals("BLOCKED-", o.rejectCustomersPrefix());
    assertEquals(2_000, o.progressionStepMs());
    assertNull(o.seed());
  }

  @Test
  void everyVariableIsRead() {
    ErpSimulatorOptions o = ErpSimulatorOptions.fromEnv(Map.ofEntries(
        Map.entry("TIDEGATE_ERP_SIM_HOST", "0.0.0.0"),
        Map.entry("TIDEGATE_ERP_SIM_PORT", "0"),
        Map.entry("TIDEGATE_ERP_SIM_LATENCY_MS", "5"),
        Map.entry("TIDEGATE_ERP_SIM_JITTER_MS", "0"),
        Map.entry("TIDEGATE_ERP_SIM_RATE_PER_SECOND", "7"),
        Map.entry("TIDEGATE_ERP_SIM_FAILURE_RATE", "0.25"),
        Map.entry("TIDEGATE_ERP_SIM_TIMEOUT_RATE", "0.5"),
        Map.entry("TIDEGATE_ERP_SIM_TIMEOUT_HOLD_MS", "1000"),
        Map.entry("TIDEGATE_ERP_SIM_DOWN", "TRUE"),
        Map.entry("TIDEGATE_ERP_SIM_REJECT_CUSTOMERS_PREFIX", "NOPE-"),
        Map.entry("TIDEGATE_ERP_SIM_PROGRESSION_STEP_MS", "0"),
        Map.entry("TIDEGATE_ERP_SIM_SEED", "-3")));
    assertEquals(new ErpSimulatorOptions("0.0.0.0", 0, 5, 0, 7, 0.25, 0.5, 1000, true, "NOPE-", 0, 1, -3L), o);
  }

  @Test
  void badValuesNameTheVariableAndTheValue() {
    assertMessage(Map.of("TIDEGATE_ERP_SIM_PORT", "abc"), "TIDEGATE_ERP_SIM_PORT='abc'", "0..65535");
    assertMessage(Map.of("TIDEGATE_ERP_SIM_PORT", "70000"), "TIDEGATE_ERP_SIM_PORT='70000'", "0..65535");
    assertMessage(Map.of("TIDEGATE_ERP_SIM_FAILURE_RATE", "1.5"), "TIDEGATE_ERP_SIM_FAILURE_RATE='1.5'", "0..1");
    assertMessage(Map.of("TIDEGATE_ERP_SIM_DOWN", "yes"), "TIDEGATE_ERP_SIM_DOWN='yes'", "true or false");
    assertMessage(Map.of("TIDEGATE_ERP_SIM_LATENCY_MS", "-1"), "TIDEGATE_ERP_SIM_LATENCY_MS='-1'", "integer");
    assertMessage(Map.of("TIDEGATE_ERP_SIM_LATENCY", "5"), "TIDEGATE_ERP_SIM_LATENCY", "TIDEGATE_ERP_SIM_LATENCY_MS");
  }

  private static void assertMessage(Map<String, String> env, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ErpSimulatorOptions.fromEnv(env));
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), () -> "'" + e.getMessage() + "' should contain '" + part + "'");
    }
  }

  @Test
  void patchChangesOnlyRuntimeFieldsAndValidatesThem() {
    ErpSimulatorOptions base = ErpSimulatorOptions.defaults();
    ErpSimulatorOptions patched = base.patched(new JsonObject().put("down", true).put("failureRate", 1));
    assertTrue(patched.down());
    assertEquals(1.0, patched.failureRate());
    assertEquals(base.latencyMs(), patched.latencyMs());

    assertPatchFails(base, new JsonObject().put("port", 1), "port");
    assertPatchFails(base, new JsonObject().put("speed", 1), "speed");
    assertPatchFails(base, new JsonObject().put("latencyMs", "fast"), "latencyMs=fast");
    assertPatchFails(base, new JsonObject().put("latencyMs", 1.5), "latencyMs=1.5");
    assertPatchFails(base, new JsonObject().put("timeoutRate", -0.1), "timeoutRate=-0.1");
    assertPatchFails(base, new JsonObject().put("down", "true"), "down=true");
  }

  private static void assertPatchFails(ErpSimulatorOptions base, JsonObject patch, String part) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> base.patched(patch));
    assertTrue(e.getMessage().contains(part), () -> "'" + e.getMessage() + "' should contain '" + part + "'");
  }

  @Test
  void theRecordItselfRejectsOutOfRangeValues() {
    assertThrows(IllegalArgumentException.class, () -> ErpSimulatorOptions.defaults().withRatePerSecond(-1));
    assertThrows(IllegalArgumentException.class, () -> ErpSimulatorOptions.defaults().withHost(" "));
    assertThrows(IllegalArgumentException.class, () -> ErpSimulatorOptions.defaults().withFailureRate(Double.NaN));
  }
}
