-- Baseline schema: what must survive a restart and be queried.

-- Price rule versions, append-only: every change is a new row with who/when/why.
CREATE TABLE price_rule_versions (
  rule_id      text        NOT NULL,
  version      integer     NOT NULL,
  body         jsonb       NOT NULL,
  changed_by   text        NOT NULL,
  reason       text        NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (rule_id, version)
);

-- Idempotency keys, scoped per channel, kept for a configured window.
CREATE TABLE idempotency_keys (
  channel       text        NOT NULL,
  key           text        NOT NULL,
  request_hash  text        NOT NULL,
  order_id      text        NOT NULL,
  state         text        NOT NULL,
  response      jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  PRIMARY KEY (channel, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- Orders and their status history, fed from orders.status.v1.
CREATE TABLE orders (
  order_id          text        PRIMARY KEY,
  channel           text        NOT NULL,
  external_id       text,
  customer_id       text        NOT NULL,
  status            text        NOT NULL,
  erp_order_number  text,
  body              jsonb       NOT NULL,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL
);
CREATE INDEX orders_channel_external ON orders (channel, external_id);

CREATE TABLE order_status_history (
  order_id  text        NOT NULL REFERENCES orders (order_id),
  status    text        NOT NULL,
  at        timestamptz NOT NULL,
  detail    text,
  event_id  uuid        NOT NULL,
  PRIMARY KEY (order_id, event_id)
);
