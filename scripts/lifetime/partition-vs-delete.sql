-- One day of request ids removed two ways, on the same server: batched DELETEs from one
-- table (what the toolkit does) against DETACH + DROP of a day partition. Run by
-- scripts/bench-lifetime with psql; :rows is the day's volume. Leaves nothing behind.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE SCHEMA lifetime_compare;
SET search_path = lifetime_compare;
CREATE TABLE plain (request_id text PRIMARY KEY, user_id bigint NOT NULL, quota_date date NOT NULL, units integer NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX plain_day ON plain (quota_date);
CREATE TABLE parted (request_id text NOT NULL, user_id bigint NOT NULL, quota_date date NOT NULL, units integer NOT NULL,
                     created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (request_id, quota_date)) PARTITION BY RANGE (quota_date);
CREATE TABLE parted_d1 PARTITION OF parted FOR VALUES FROM ('2026-01-01') TO ('2026-01-02');
CREATE TABLE parted_d2 PARTITION OF parted FOR VALUES FROM ('2026-01-02') TO ('2026-01-03');
INSERT INTO plain SELECT md5(i::text) || '-' || d, i % 100000, DATE '2026-01-01' + d, 1
  FROM generate_series(1, :rows) i, generate_series(0, 1) d;
INSERT INTO parted SELECT * FROM plain;
VACUUM ANALYZE plain;
VACUUM ANALYZE parted;
\echo 'batched DELETE of one day (2,000 rows a transaction, as quota db prune):'
SELECT clock_timestamp() AS started \gset
DO $$
DECLARE n integer;
BEGIN
  LOOP
    DELETE FROM lifetime_compare.plain WHERE ctid = ANY (ARRAY(SELECT ctid FROM lifetime_compare.plain
                                                              WHERE quota_date < DATE '2026-01-02' LIMIT 2000));
    GET DIAGNOSTICS n = ROW_COUNT;
    COMMIT;
    EXIT WHEN n = 0;
  END LOOP;
END $$;
SELECT round(extract(epoch FROM clock_timestamp() - :'started') * 1000) AS delete_ms;
SELECT clock_timestamp() AS started \gset
VACUUM plain;
SELECT round(extract(epoch FROM clock_timestamp() - :'started') * 1000) AS vacuum_after_delete_ms;
\echo 'DETACH + DROP of the same day as a partition:'
SELECT clock_timestamp() AS started \gset
ALTER TABLE parted DETACH PARTITION parted_d1;
DROP TABLE parted_d1;
SELECT round(extract(epoch FROM clock_timestamp() - :'started') * 1000) AS detach_drop_ms;
RESET search_path;
DROP SCHEMA lifetime_compare CASCADE;
