package io.tidegate.atp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class InventoryReadModelTest {

  private final InventoryReadModel model = new InventoryReadModel();

  @Test
  void aHigherSequenceReplacesOnlyItsOwnLocation() {
    assertTrue(model.apply("SKU-1", position("DC1", 1, 10)));
    assertTrue(model.apply("SKU-1", position("DC2", 1, 20)));
    assertTrue(model.apply("SKU-1", position("DC1", 2, 11)));
    SkuPositions p = model.get("SKU-1");
    assertEquals(List.of("DC1", "DC2"), p.locations().stream().map(LocationPosition::location).toList());
    assertEquals(11, p.at("DC1").onHand());
    assertEquals(20, p.at("DC2").onHand());
  }

  @Test
  void duplicatesAndOlderSequencesAreIgnored() {
    model.apply("SKU-1", position("DC1", 5, 50));
    assertFalse(model.apply("SKU-1", position("DC1", 5, 99)));
    assertFalse(model.apply("SKU-1", position("DC1", 4, 99)));
    assertEquals(50, model.get("SKU-1").at("DC1").onHand());
  }

  @Test
  void anUnknownSkuHasNoPositions() {
    assertNull(model.get("SKU-NONE"));
  }

  @Test
  void availableFollowsTheContractFormulaAndNeverGoesNegative() {
    LocationPosition p = new LocationPosition("DC1", 1, 120, 10, 2, 5,
        List.of(new LocationPosition.Supply(50, LocalDate.parse("2026-12-01"))));
    assertEquals(103, p.available(0, 0));
    assertEquals(93, p.available(10, 0));
    assertEquals(153, p.available(0, p.inTransitBy(LocalDate.parse("2026-12-01"))));
    assertEquals(103, p.available(0, p.inTransitBy(LocalDate.parse("2026-11-30"))));
    assertEquals(0, p.available(500, 0));
  }

  private static LocationPosition position(String location, long sequence, int onHand) {
    return new LocationPosition(location, sequence, onHand, 0, 0, 0, List.of());
  }
}
