package io.tidegate.orders;

import io.tidegate.schemas.events.OrderStatus;

/**
 * Status events reach the status store from three topics in no particular order, so the store
 * keeps the status of highest rank, not the last one seen. FAILED ranks below SUBMITTED because a
 * dead-lettered order that an operator replays moves on to SUBMITTED; REJECTED and CANCELLED are
 * final.
 */
public final class StatusRank {

  private StatusRank() {
  }

  public static int of(OrderStatus status) {
    return switch (status) {
      case ACCEPTED -> 0;
      case FAILED -> 5;
      case SUBMITTED -> 10;
      case BOOKED -> 20;
      case RELEASED -> 30;
      case SHIPPED -> 40;
      case INVOICED -> 50;
      case REJECTED -> 60;
      case CANCELLED -> 70;
    };
  }

  /** Whether the ERP has allocated the order's stock (or never will): its soft reservation ends. */
  public static boolean releasesReservation(OrderStatus status) {
    return status != OrderStatus.ACCEPTED && status != OrderStatus.SUBMITTED;
  }
}
