-- A status change is recorded once per order, however many copies of it arrive: an ERP that sends
-- BOOKED twice (with two event ids), REJECTED from both the ERP and the poster, the OrderAccepted
-- that a dead-letter replay publishes again, and the copy of an ERP status the projector publishes
-- on orders.status.v1. Two entries may repeat: FAILED (each dead-lettering, e.g. after a replay)
-- and the operator's replay note (ACCEPTED with a detail). Earlier duplicates are removed, keeping
-- the first.
DELETE FROM order_status_history h USING order_status_history e
WHERE h.order_id = e.order_id AND h.status = e.status
  AND h.status <> 'FAILED' AND (h.status <> 'ACCEPTED' OR h.detail IS NULL)
  AND (e.status <> 'ACCEPTED' OR e.detail IS NULL)
  AND (e.at, e.event_id) < (h.at, h.event_id);
CREATE UNIQUE INDEX order_status_history_once ON order_status_history (order_id, status)
  WHERE status <> 'FAILED' AND (status <> 'ACCEPTED' OR detail IS NULL);
