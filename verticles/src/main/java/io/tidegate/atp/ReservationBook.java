package io.tidegate.atp;

/**
 * Soft reservations: quantities of orders this gateway accepted that the ERP has not allocated
 * yet. They reduce {@code available}. The order intake feeds them (a later issue); until then
 * the gateway runs with {@link #NONE}.
 */
public interface ReservationBook {

  ReservationBook NONE = (sku, location) -> 0;

  int reserved(String sku, String location);

  /**
   * A number that changes whenever any reservation of {@code sku} changes, so that an answer built
   * from {@link #reserved} can be kept until it does. It changes after the quantities: read it
   * before them. A book that never changes may answer a constant.
   */
  default long version(String sku) {
    return 0;
  }
}
