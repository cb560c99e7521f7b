package io.tidegate.atp;

import io.tidegate.kafka.CompactedFeedVerticle;
import io.tidegate.schemas.events.EventEnvelope;
import io.tidegate.schemas.events.InvalidEventException;
import io.tidegate.schemas.events.InventoryPositionChanged;
import java.util.List;

/**
 * {@code inventory.positions.v1} into the {@link InventoryReadModel}: a position replaces the one
 * held for its sku@location only if its sequence is higher.
 */
public final class InventoryFeed implements CompactedFeedVerticle.Sink {

  private final InventoryReadModel model;

  public InventoryFeed(InventoryReadModel model) {
    this.model = model;
  }

  @Override
  public boolean apply(EventEnvelope<?> event, byte[] value) throws InvalidEventException {
    if (!(event.data() instanceof InventoryPositionChanged e)) {
      throw new InvalidEventException("unexpected event type '" + event.type() + "' on the inventory feed");
    }
    return model.apply(e.sku(), new LocationPosition(e.location(), e.sequence(), e.onHand(), e.allocated(),
        e.damaged(), e.safetyStock(), e.inTransit() == null ? List.of()
            : e.inTransit().stream().map(t -> new LocationPosition.Supply(t.quantity(), t.expectedDate())).toList()));
  }
}
