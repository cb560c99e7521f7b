package io.tidegate.dev.erp;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Validation of a {@code POST /orders} request as the ERP sees it. Either {@code order} is set
 * (valid) or {@code reason} names every problem with its JSON pointer.
 */
record OrderCheck(JsonObject order, String reason) {

  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final Pattern DECIMAL = Pattern.compile("\\d{1,15}(\\.\\d{1,6})?");

  boolean valid() {
    return reason == null;
  }

  String orderId() {
    return order.getString("orderId");
  }

  static OrderCheck of(Buffer body, String idempotencyKey) {
    if (idempotencyKey == null || idempotencyKey.isBlank()) {
      return invalid("header Idempotency-Key is required (the orderId)");
    }
    Object parsed = parse(body);
    if (!(parsed instanceof JsonObject)) {
      return invalid("body must be a JSON object");
    }
    JsonObject order = (JsonObject) parsed;
    List<String> problems = new ArrayList<>();
    requireText(order, "orderId", "/orderId", problems);
    requireText(order, "channel", "/channel", problems);
    requireText(order, "customerId", "/customerId", problems);
    checkShipTo(order.getValue("shipTo"), problems);
    checkLines(order.getValue("lines"), problems);
    checkRequestedDate(order.getValue("requestedDate"), problems);
    Object currency = order.getValue("currency");
    if (currency != null && !(currency instanceof String && CURRENCY.matcher((String) currency).matches())) {
      problems.add("/currency: an ISO 4217 code such as \"EUR\"");
    }
    Object orderId = order.getValue("orderId");
    if (orderId instanceof String && !orderId.equals(idempotencyKey)) {
      problems.add("header Idempotency-Key '" + idempotencyKey + "' must equal /orderId '" + orderId + "'");
    }
    return problems.isEmpty() ? new OrderCheck(order, null) : invalid(String.join("; ", problems));
  }

  private static OrderCheck invalid(String reason) {
    return new OrderCheck(null, reason);
  }

  /** The decoded body, or {@code null} when it is missing or not JSON. */
  static Object parse(Buffer body) {
    if (body == null || body.length() == 0) {
      return null;
    }
    try {
      return Json.decodeValue(body);
    } catch (DecodeException e) {
      return null;
    }
  }

  private static void requireText(JsonObject o, String field, String pointer, List<String> problems) {
    Object v = o.getValue(field);
    if (!(v instanceof String) || ((String) v).isBlank()) {
      problems.add(pointer + ": required, a non-empty string");
    }
  }

  private static void checkShipTo(Object shipTo, List<String> problems) {
    boolean ok = shipTo instanceof JsonObject && !((JsonObject) shipTo).isEmpty()
        || shipTo instanceof String && !((String) shipTo).isBlank();
    if (!ok) {
      problems.add("/shipTo: required, an address object or a non-empty string");
    }
  }

  private static void checkLines(Object lines, List<String> problems) {
    if (!(lines instanceof JsonArray) || ((JsonArray) lines).isEmpty()) {
      problems.add("/lines: required, a non-empty array");
      return;
    }
    JsonArray array = (JsonArray) lines;
    for (int i = 0; i < array.size(); i++) {
      String at = "/lines/" + i;
      if (!(array.getValue(i) instanceof JsonObject)) {
        problems.add(at + ": must be an object");
        continue;
      }
      JsonObject line = array.getJsonObject(i);
      requireText(line, "sku", at + "/sku", problems);
      Object q = line.getValue("quantity");
      if (!(q instanceof Integer || q instanceof Long) || ((Number) q).longValue() < 1) {
        problems.add(at + "/quantity: required, an integer >= 1");
      }
      Object price = line.getValue("unitPrice");
      if (price != null && !(price instanceof String && DECIMAL.matcher((String) price).matches())) {
        problems.add(at + "/unitPrice: a non-negative decimal string such as \"12.50\"");
      }
    }
  }

  private static void checkRequestedDate(Object v, List<String> problems) {
    if (v == null) {
      return;
    }
    if (!(v instanceof String) || !isDateOrDateTime((String) v)) {
      problems.add("/requestedDate: a date (2026-12-01) or an RFC 3339 date-time");
    }
  }

  private static boolean isDateOrDateTime(String s) {
    try {
      if (s.length() == 10) {
        LocalDate.parse(s);
      } else {
        OffsetDateTime.parse(s);
      }
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
