-- Quote bodies as the JSON text that was answered, not jsonb: nothing queries inside a body, and
-- PostgreSQL parsed and rebuilt every body as jsonb on insert. Together with time-ordered (v7)
-- quote ids and the streaming writer, the quote benchmark (standalone gateway, wrk -c32, 20 s runs
-- on a fresh dev stack) went from 11.2k/10.5k/9.6k quotes/s (falling as the table grew) to
-- 18.1k/18.3k/18.4k. Rewrites the table.
ALTER TABLE quotes ALTER COLUMN body TYPE text USING body::text;
