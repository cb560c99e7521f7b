-- Orders: status events may arrive before the order itself (three topics, no order between
-- them), so history rows do not need their order row yet; the status with the highest rank wins.
ALTER TABLE order_status_history DROP CONSTRAINT IF EXISTS order_status_history_order_id_fkey;
ALTER TABLE order_status_history ADD COLUMN rank integer NOT NULL DEFAULT 0;
CREATE INDEX order_status_history_order ON order_status_history (order_id, at);

ALTER TABLE orders ADD COLUMN status_rank integer NOT NULL DEFAULT 0;
CREATE INDEX orders_channel_created ON orders (channel, created_at);

-- Orders dead-lettered on their way to the ERP (from orders.dlq.v1), for the admin API.
CREATE TABLE dead_letters (
  order_id          text        PRIMARY KEY,
  channel           text        NOT NULL,
  external_id       text,
  reason            text        NOT NULL,
  attempts          integer     NOT NULL,
  last_error        text,
  body              jsonb       NOT NULL,
  dead_lettered_at  timestamptz NOT NULL,
  replayed_at       timestamptz
);
CREATE INDEX dead_letters_open ON dead_letters (dead_lettered_at) WHERE replayed_at IS NULL;
