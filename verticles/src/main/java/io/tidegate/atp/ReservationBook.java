package io.tidegate.atp;

/**
 * Soft reservations: quantities of orders this gateway accepted that the ERP has not allocated
 * yet. They reduce {@code available}. The order intake feeds them (a later issue); until then
 * the gateway runs with {@link #NONE}.
 */
public interface ReservationBook {

  ReservationBook NONE = (sku, location) -> 0;

  int reserved(String sku, String location);
}
