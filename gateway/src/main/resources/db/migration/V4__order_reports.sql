-- Operator reports: orders by intake time, and the ones the ERP has not booked yet.
CREATE INDEX orders_created ON orders (created_at);
CREATE INDEX orders_unbooked ON orders (created_at) WHERE status_rank < 20;
