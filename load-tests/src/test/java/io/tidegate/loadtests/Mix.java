package io.tidegate.loadtests;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A traffic mix: which contract operations a run sends and in what proportion, from
 * {@code -Dmix=atp:55,check:15,quote:15,status:10,order:5} (weights are relative; a name without a
 * weight counts 1). Select only what the gateway serves, e.g. {@code -Dmix=atp}.
 */
record Mix(Map<Operation, Double> weights) {

  /** The peak-season mix of the contract: mostly availability, then quotes, status polls, orders. */
  static final String CONTRACT = "atp:55,check:15,quote:15,status:10,order:5";

  Mix {
    weights = Collections.unmodifiableMap(new EnumMap<>(weights));
    if (weights.isEmpty()) {
      throw new IllegalArgumentException("the mix is empty");
    }
    if (weights.containsKey(Operation.STATUS) && !weights.containsKey(Operation.ORDER)) {
      throw new IllegalArgumentException("status polls read orders accepted in this run: a mix with 'status' "
          + "needs 'order' too");
    }
  }

  static Mix fromProperty(String name, String fallback) {
    String text = Props.string(name, fallback);
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw Props.bad(name, text, "operation[:weight],... with operations "
          + Arrays.stream(Operation.values()).map(Operation::mixName).collect(Collectors.joining(", "))
          + " (" + e.getMessage() + ")");
    }
  }

  static Mix parse(String text) {
    Map<Operation, Double> weights = new EnumMap<>(Operation.class);
    for (String part : text.split(",")) {
      String entry = part.trim();
      if (entry.isEmpty()) {
        continue;
      }
      String[] nameWeight = entry.split(":", 2);
      Operation op = Operation.byMixName(nameWeight[0].trim());
      if (op == null) {
        throw new IllegalArgumentException("unknown operation '" + nameWeight[0].trim() + "'");
      }
      double weight = nameWeight.length == 1 ? 1 : Double.parseDouble(nameWeight[1].trim());
      if (!(weight >= 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException("weight of '" + op.mixName() + "' must be a number >= 0");
      }
      if (weights.putIfAbsent(op, weight) != null) {
        throw new IllegalArgumentException("'" + op.mixName() + "' is listed twice");
      }
    }
    weights.values().removeIf(w -> w == 0);
    return new Mix(weights);
  }

  boolean has(Operation op) {
    return weights.containsKey(op);
  }

  /** The operations in contract order (orders before status polls). */
  List<Operation> operations() {
    return new ArrayList<>(weights.keySet());
  }

  /** Percentages summing to exactly 100 (the last one takes the rounding rest). */
  Map<Operation, Double> percentages() {
    double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    Map<Operation, Double> out = new EnumMap<>(Operation.class);
    double used = 0;
    List<Operation> ops = operations();
    for (int i = 0; i < ops.size(); i++) {
      double pct = i == ops.size() - 1 ? Math.max(0, 100 - used) : Math.floor(weights.get(ops.get(i)) / total * 1e8) / 1e6;
      out.put(ops.get(i), pct);
      used += pct;
    }
    return out;
  }

  @Override
  public String toString() {
    return percentages().entrySet().stream()
        .map(e -> e.getKey().mixName() + " " + String.format("%.1f%%", e.getValue()))
        .collect(Collectors.joining(", "));
  }
}
