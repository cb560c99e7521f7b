-- The highest `sequence` of the ERP's status records applied to an order (orders.erp-status.v1):
-- a record with a sequence not higher is ignored, as the event schema says, instead of being
-- added to the order's history. Nullable: orders without an ERP status yet have none.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS erp_sequence bigint;
