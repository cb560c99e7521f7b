-- Which request holds an IN_FLIGHT key: a token the request draws. The claims of many requests
-- are now one statement per batch (a multi-row INSERT ... ON CONFLICT), whose RETURNING gives each
-- request of the batch the rows of all of them; a request knows it got the key when its own token
-- comes back. Nullable, so that adding it rewrites nothing; keys claimed before it have none.
ALTER TABLE idempotency_keys ADD COLUMN IF NOT EXISTS claim_token uuid;
