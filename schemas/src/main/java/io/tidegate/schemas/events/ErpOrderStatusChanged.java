package io.tidegate.schemas.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The ERP's view of an order's progress, on {@code orders.erp-status.v1} (key orderId).
 * {@code sequence} increases per order; a record with a sequence not higher than the one held
 * is ignored (duplicates and out-of-order delivery are expected).
 *
 * <p>Two schema versions are read: v1 and v2, which adds {@code allocations} (what the ERP
 * allocated, per SKU and location). Both map to this record; a v1 event has no allocations. See
 * {@link EventType} for how a new version is rolled out while old producers still write the old one.
 *
 * @param erpOrderNumber the ERP's order number, or null (e.g. when rejected before booking)
 * @param reason         why, for {@link Status#REJECTED} and {@link Status#CANCELLED}; else null
 * @param allocations    v2: the quantities the ERP allocated (BOOKED and later); empty in v1
 */
public record ErpOrderStatusChanged(
  String orderId,
  String erpOrderNumber,
  Status status,
  long sequence,
  String reason,
  Instant at,
  @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Allocation> allocations) implements EventData {

  public ErpOrderStatusChanged {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(at, "at");
    allocations = allocations == null ? List.of() : List.copyOf(allocations);
  }

  /** A v1 event: no allocations. */
  public ErpOrderStatusChanged(String orderId, String erpOrderNumber, Status status, long sequence, String reason,
                               Instant at) {
    this(orderId, erpOrderNumber, status, sequence, reason, at, List.of());
  }

  /** {@code quantity} of {@code sku} allocated at {@code location} (v2). */
  public record Allocation(String sku, String location, int quantity) {
    public Allocation {
      Objects.requireNonNull(sku, "sku");
      Objects.requireNonNull(location, "location");
    }
  }

  @Override
  public String key() {
    return orderId;
  }

  /** What the ERP reports. */
  public enum Status {
    BOOKED, RELEASED, SHIPPED, INVOICED, REJECTED,
    /** The ERP cancelled the order (e.g. at the customer's request): final, whatever came before. */
    CANCELLED;

    /** The gateway's order status this ERP status moves an order to. */
    public OrderStatus orderStatus() {
      return OrderStatus.valueOf(name());
    }
  }
}
