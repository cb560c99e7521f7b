-- ERP statuses of orders the status store has no row for yet: the order's OrderAccepted is still on
-- its way (the status projector lags on orders.accepted.v1 while the ERP has already answered, and
-- intake's own write failed), or the gateway never accepted the order. Recorded at once, such a
-- status would lose what needs the order row: the ERP order number, and the order's channel, which
-- the copy on orders.status.v1 names. So the projector parks it here and applies it once the order
-- is in the store; one whose order never comes is purged after orders.parkedErpStatusHours.
CREATE TABLE erp_status_parked (
  order_id         text        NOT NULL,
  event_id         uuid        NOT NULL,
  status           text        NOT NULL,
  erp_order_number text,
  reason           text,
  sequence         bigint      NOT NULL,
  at               timestamptz NOT NULL,
  occurred_at      timestamptz NOT NULL,
  correlation_id   text        NOT NULL,
  parked_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, event_id)
);
CREATE INDEX erp_status_parked_at ON erp_status_parked (parked_at);
