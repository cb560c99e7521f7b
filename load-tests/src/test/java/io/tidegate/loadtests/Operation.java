package io.tidegate.loadtests;

/**
 * The contract operations a simulation can put in its traffic mix. {@code name} is what
 * {@code -Dmix=} uses; {@code request} is the Gatling request name (a route template, so reports
 * and assertions have one line per operation, never one per SKU or order).
 */
enum Operation {
  ATP("atp", "GET /v1/atp/{sku}"),
  CHECK("check", "POST /v1/atp:check"),
  QUOTE("quote", "POST /v1/prices:quote"),
  ORDER("order", "POST /v1/orders"),
  STATUS("status", "GET /v1/orders/{orderId}");

  /** Name of the replayed order request (same Idempotency-Key, same body). */
  static final String ORDER_REPLAY = "POST /v1/orders (replay)";

  private final String mixName;
  private final String request;

  Operation(String mixName, String request) {
    this.mixName = mixName;
    this.request = request;
  }

  String mixName() {
    return mixName;
  }

  String request() {
    return request;
  }

  static Operation byMixName(String name) {
    for (Operation op : values()) {
      if (op.mixName.equalsIgnoreCase(name)) {
        return op;
      }
    }
    return null;
  }
}
