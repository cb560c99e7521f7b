package io.tidegate.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OrderIdsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void equalJsonHashesEquallyWhateverTheKeyOrderAndWhitespace() throws Exception {
    String a = OrderIds.requestHash(JSON.readTree("{\"b\":1,\"a\":{\"y\":[1,2],\"x\":\"s\"}}"));
    String b = OrderIds.requestHash(JSON.readTree("{ \"a\" : {\"x\":\"s\",\"y\":[1,2]},\n \"b\":1 }"));
    assertEquals(a, b);
    assertNotEquals(a, OrderIds.requestHash(JSON.readTree("{\"b\":1,\"a\":{\"y\":[2,1],\"x\":\"s\"}}")));
  }

  @Test
  void theOrderIdIsAStableVersion5StyleUuidOfChannelKeyAndBody() {
    String id = OrderIds.orderId("webshop", "key-1", "abc");
    assertEquals(id, OrderIds.orderId("webshop", "key-1", "abc"), "a retry names the same order");
    assertEquals(5, UUID.fromString(id).version());
    assertNotEquals(id, OrderIds.orderId("marketplace", "key-1", "abc"), "keys are per channel");
    assertNotEquals(id, OrderIds.orderId("webshop", "key-1", "abd"), "a reused key with a new body is a new order");
    assertNotEquals(OrderIds.orderId("a\nb", "c", "d"), OrderIds.orderId("a", "b\nc", "d"));
  }
}
