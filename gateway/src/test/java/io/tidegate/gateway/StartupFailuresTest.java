package io.tidegate.gateway;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidegate.dev.TestStack;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an operator reads when the gateway cannot start: the address or file, and the setting behind it. */
class StartupFailuresTest {

  @TempDir
  Path dir;

  @Test
  void aPortInUseIsNamedWithItsSetting() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Exception e = assertThrows(Exception.class, () -> GatewayApp.start(TestStack.get().config(Map.of(
          "TIDEGATE_HTTP_PORT", Integer.toString(taken.getLocalPort()), "TIDEGATE_HTTP_HOST", "127.0.0.1"))).await());
      assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (http.port)"),
          e.getMessage());
    }
  }

  @Test
  void aBrokenThrottleFileIsNamedWithTheLineBeforeTheDatabaseIsAwaited() throws Exception {
    Path file = dir.resolve("throttles.yaml");
    Files.writeString(file, "defaults:\n  policies: [\n");
    // A database that is not there: the file is checked first, so this fails at once, not after a minute.
    Exception e = assertThrows(Exception.class, () -> GatewayApp.start(TestStack.get().config(Map.of(
        "TIDEGATE_THROTTLING_FILE", file.toString(), "TIDEGATE_POSTGRES_PORT", "1"))).await());
    assertTrue(e.getMessage().contains("throttle file '" + file + "' is not valid YAML at line 2"), e.getMessage());
    Path missing = dir.resolve("nowhere.yaml");
    e = assertThrows(Exception.class, () -> GatewayApp.start(TestStack.get().config(Map.of(
        "TIDEGATE_THROTTLING_FILE", missing.toString(), "TIDEGATE_POSTGRES_PORT", "1"))).await());
    assertTrue(e.getMessage().contains("throttle file '" + missing + "' (throttling.file) cannot be read"),
        e.getMessage());
  }
}
