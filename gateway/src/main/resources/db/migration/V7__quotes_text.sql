-- Quote bodies as the JSON text that was answered, not jsonb: nothing queries inside a body, and
-- PostgreSQL parsed and rebuilt every body as jsonb on insert. Measured on the quote benchmark
-- (standalone gateway, wrk -c32, 20 s runs on a fresh dev stack): jsonb 21-22k quotes/s, text
-- 21-23k with random (v4) quote ids, text with time-ordered (v7) ids 26-28k. Rewrites the table.
ALTER TABLE quotes ALTER COLUMN body TYPE text USING body::text;
