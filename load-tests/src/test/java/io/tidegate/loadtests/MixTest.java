package io.tidegate.loadtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MixTest {

  @Test
  void contractMixIsMostlyAvailabilityAndSumsToExactly100() {
    Mix mix = Mix.parse(Mix.CONTRACT);
    Map<Operation, Double> pct = mix.percentages();
    assertEquals(55.0, pct.get(Operation.ATP), 1e-6);
    assertEquals(5.0, pct.get(Operation.ORDER), 1e-6);
    assertEquals(100.0, pct.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
  }

  @Test
  void oddWeightsStillSumTo100WithoutExceedingIt() {
    Map<Operation, Double> pct = Mix.parse("atp:1,check:1,quote:1").percentages();
    double sum = pct.values().stream().mapToDouble(Double::doubleValue).sum();
    assertTrue(sum <= 100.0 && sum > 99.9999, "sum " + sum);
  }

  @Test
  void aBareNameWeighsOneAndOperationsComeInContractOrder() {
    Mix mix = Mix.parse("status, order, atp");
    assertEquals(List.of(Operation.ATP, Operation.ORDER, Operation.STATUS), mix.operations());
    assertEquals(100.0 / 3, mix.percentages().get(Operation.ATP), 1e-3);
  }

  @Test
  void onlyAtpSelectsOnlyAtp() {
    assertEquals(Map.of(Operation.ATP, 100.0), Mix.parse("atp").percentages());
  }

  @Test
  void zeroWeightDropsAnOperation() {
    assertEquals(List.of(Operation.ATP), Mix.parse("atp:9,quote:0").operations());
  }

  @Test
  void rejectsWhatCannotRun() {
    assertThrows(IllegalArgumentException.class, () -> Mix.parse("atp:1,bogus:2"));
    assertThrows(IllegalArgumentException.class, () -> Mix.parse("atp:-1"));
    assertThrows(IllegalArgumentException.class, () -> Mix.parse("atp,atp"));
    assertThrows(IllegalArgumentException.class, () -> Mix.parse(""));
    assertThrows(IllegalArgumentException.class, () -> Mix.parse("status"), "status polls need orders");
  }
}
