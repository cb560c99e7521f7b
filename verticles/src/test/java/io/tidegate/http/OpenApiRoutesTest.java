package io.tidegate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OpenApiRoutesTest {

  @Test
  void jsonIsApplicationJsonWithoutACharsetOrInUtf8() {
    for (String ok : List.of("application/json", "Application/JSON", "application/json; charset=utf-8",
        "application/json;charset=\"UTF-8\"", "application/json; charset=utf8; foo=bar")) {
      assertTrue(OpenApiRoutes.isJson(ok), ok);
    }
    for (String refused : List.of("text/plain", "application/jsonx", "application/json; charset=latin1",
        "application/json; charset=ISO-8859-1", "application/json; charset=utf-16", "text/json")) {
      assertFalse(OpenApiRoutes.isJson(refused), refused);
    }
  }

  @Test
  void theMethodsAtAPathComeFromTheContractWithHeadAfterGet() {
    ApiContract contract = ApiContract.load();
    assertEquals(List.of("GET", "HEAD"), contract.methodsAt("/v1/atp/SKU-1"));
    assertEquals(List.of("POST"), contract.methodsAt("/v1/atp:check"));
    assertEquals(List.of(), contract.methodsAt("/v1/atp/SKU-1/extra"));
    assertEquals(List.of(), contract.methodsAt("/v1/nothing"));
  }

  @Test
  void aMissingMemberIsPointedAtWhereItBelongs() {
    assertEquals("/shipTo", ApiOperation.pointerOf("(root): missing required property shipTo"));
    assertEquals("/lines/0/sku", ApiOperation.pointerOf("/lines/0: missing required property sku"));
    assertEquals("/a~1b", ApiOperation.pointerOf("(root): missing required property a/b"));
    assertEquals("/lines/0/quantity", ApiOperation.pointerOf("/lines/0/quantity: 0 is less than the minimum 1"));
    assertEquals("", ApiOperation.pointerOf("(root): expected an object"));
  }
}
