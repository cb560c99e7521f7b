-- Price quotes as answered, scoped to the channel that asked; readable until valid_until.
CREATE TABLE quotes (
  quote_id     text        PRIMARY KEY,
  channel      text        NOT NULL,
  customer_id  text,
  body         jsonb       NOT NULL,
  created_at   timestamptz NOT NULL,
  valid_until  timestamptz NOT NULL
);
CREATE INDEX quotes_valid_until ON quotes (valid_until);
