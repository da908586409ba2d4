-- The atomic strategy's chat path as pgbench runs it: PgbenchCeiling appends the very
-- statement the JVM sends (ChatPathStatement.SQL: context read, guarded counter upsert and
-- message insert in one statement) in a transaction as the JVM does, with the user drawn
-- here, the UTC date and now() for the time, and a fresh UUID as the request_id.
-- Variables: :users (1 for hot), and :dist chooses the draw.
\if :dist = 2
\set userId random_zipfian(1, :users, 1.1)
\else
\set userId random(1, :users)
\endif
