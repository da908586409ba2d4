-- Years on the product's database (docs/operations.md#what-the-toolkit-keeps):
--   * every table the toolkit writes has a retention, kept here in settings and enforced by
--     the toolkit itself (the nightly job's prune step, `quota db prune`);
--   * quota.consume charges the UTC day of the caller's transaction (now()), the day the
--     product's message gets from its own `DEFAULT now()`, so a transaction that spans
--     midnight charges and stores on one day;
--   * a backdated p_at is judged by the rules of its own day: the plan that covered it.
-- The plan of a day and the effective limit are written once here, as inlinable SQL
-- functions; the day's grants are the view day_grants (V1).

-- How long the toolkit keeps what it writes. Changed with a plain UPDATE; read at each prune.
ALTER TABLE settings
    -- a request id charged through quota.consume on day D is kept through day D + N: a retry
    -- within N days is a replay, a retry after it is a new request (as Stripe's 24 hours)
    ADD COLUMN idempotency_days        integer NOT NULL DEFAULT 7 CHECK (idempotency_days BETWEEN 1 AND 3650),
    -- reconciliation runs, their findings and the job repository, by when the run started
    ADD COLUMN run_retention_days      integer NOT NULL DEFAULT 90 CHECK (run_retention_days BETWEEN 1 AND 36500),
    -- rows deleted per transaction, and the most per second, so that pruning beside live
    -- traffic takes no long lock and little of the server (0: unpaced)
    ADD COLUMN prune_batch_size        integer NOT NULL DEFAULT 2000 CHECK (prune_batch_size BETWEEN 1 AND 100000),
    ADD COLUMN prune_rows_per_second   integer NOT NULL DEFAULT 20000 CHECK (prune_rows_per_second >= 0);

-- Pruning removes about one day in (idempotency_days + 1) every night: vacuum after that
-- much, not after the default fifth of the table, so the freed space is reused the next day.
ALTER TABLE consumed_requests SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);

-- A run's findings are deleted with the run: found by run_id through the unique key
-- (run_id, user_id, quota_date); the runs by when they started.
CREATE INDEX quota_reconciliation_runs_started ON quota_reconciliation_runs (started_at);

-- The read contract's views may be written after this runs: the bodies are checked when called.
SET LOCAL check_function_bodies = off;

-- The plan of a user's day: a day still being consumed (today, or later) takes the period
-- that still applies, as the chat path enforces it; a finished day the period that covered
-- it, so that a plan change today does not rewrite yesterday. The highest limit when
-- several qualify (a plan changed that day). p_finished is the caller's judgement, by the
-- database's today (quota.today()). Inlinable: the planner folds it into the caller's query.
CREATE FUNCTION plan_of_day(p_user_id bigint, p_day date, p_finished boolean)
RETURNS TABLE (plan_code text, daily_message_limit integer)
LANGUAGE sql STABLE AS $fn$
    SELECT pp.plan_code, pp.daily_message_limit
      FROM ${toolkit_schema}.plan_periods pp
     WHERE pp.user_id = p_user_id
       AND CASE WHEN p_finished THEN pp.started_at < (p_day + 1) AT TIME ZONE 'UTC'
                                     AND (pp.ended_at IS NULL OR pp.ended_at > p_day AT TIME ZONE 'UTC')
                ELSE pp.ended_at IS NULL END
     ORDER BY pp.daily_message_limit DESC
     LIMIT 1
$fn$;

-- The effective limit of a day: the plan's limit plus the day's grants, never below 0;
-- none without a plan (GREATEST alone would turn a missing plan into a limit of 0).
CREATE FUNCTION effective_limit(p_plan_limit bigint, p_granted bigint)
RETURNS integer
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT CASE WHEN p_plan_limit IS NOT NULL
                THEN CAST(LEAST(2147483647, GREATEST(0, p_plan_limit + COALESCE(p_granted, 0))) AS integer) END
$fn$;

-- What a day's counter should read: its stored user messages plus the usage-changing
-- adjustments (refund, charge, reset, set, reconcile), never below 0. Inlinable.
CREATE FUNCTION expected_usage(p_messages bigint, p_usage_delta bigint)
RETURNS integer
LANGUAGE sql IMMUTABLE AS $fn$
    SELECT CAST(GREATEST(0, p_messages + p_usage_delta) AS integer)
$fn$;

-- The rules of a user's day in one row: the plan of the day, the day's grants (the view
-- day_grants) and the effective limit. No row: no plan covers the day. Inlinable.
CREATE FUNCTION day_limit(p_user_id bigint, p_day date, p_finished boolean)
RETURNS TABLE (plan_code text, plan_limit integer, granted integer, daily_limit integer)
LANGUAGE sql STABLE AS $fn$
    SELECT p.plan_code, p.daily_message_limit, COALESCE(g.granted, 0),
           ${toolkit_schema}.effective_limit(p.daily_message_limit, COALESCE(g.granted, 0))
      FROM ${toolkit_schema}.plan_of_day(p_user_id, p_day, p_finished) p
      LEFT JOIN ${toolkit_schema}.day_grants g ON g.user_id = p_user_id AND g.quota_date = p_day
$fn$;

-- The database's today: the UTC date of the transaction's start.
CREATE FUNCTION today()
RETURNS date
LANGUAGE sql STABLE AS $fn$
    SELECT CAST(now() AT TIME ZONE 'UTC' AS date)
$fn$;

CREATE OR REPLACE FUNCTION status(p_user_id bigint, p_day date DEFAULT NULL)
RETURNS TABLE (plan_code text, daily_limit integer, consumed integer, remaining integer, reset_at timestamptz)
LANGUAGE plpgsql STABLE AS $fn$
DECLARE
    v_today constant date := ${toolkit_schema}.today();
    v_day   constant date := COALESCE(p_day, v_today);
    v_plan_code text;
    v_limit integer;
    v_used integer;
BEGIN
    IF p_user_id IS NULL THEN
        RAISE EXCEPTION 'quota.status: p_user_id must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM 1 FROM ${toolkit_schema}.accounts a WHERE a.user_id = p_user_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'user % not found', p_user_id USING ERRCODE = 'no_data_found', HINT = 'user_not_found';
    END IF;
    SELECT d.plan_code, d.daily_limit INTO v_plan_code, v_limit
      FROM ${toolkit_schema}.day_limit(p_user_id, v_day, v_day < v_today) d;
    IF v_limit IS NULL THEN
        RAISE EXCEPTION 'user % has no active subscription on %', p_user_id, v_day
            USING ERRCODE = 'no_data_found', HINT = 'no_active_subscription';
    END IF;
    SELECT q.used_count INTO v_used
      FROM ${product_schema}.user_daily_quota_usages q
     WHERE q.user_id = p_user_id AND q.quota_date = v_day;
    plan_code := v_plan_code;
    daily_limit := v_limit;
    consumed := COALESCE(v_used, 0);
    remaining := GREATEST(0, daily_limit - consumed);
    reset_at := (v_day + 1) AT TIME ZONE 'UTC';
    RETURN NEXT;
END
$fn$;

-- Consume p_units for p_user_id's day, all or nothing, in the caller's transaction: the UTC
-- day of p_at, by default of now(), the transaction's start, which is also what the
-- product's `created_at DEFAULT now()` stamps on the message the caller stores next. A
-- backend that stamps messages with its own clock passes that timestamp as p_at. A replayed
-- request id answers for the day it was charged to.
CREATE OR REPLACE FUNCTION consume(p_user_id bigint, p_units integer, p_request_id text, p_at timestamptz DEFAULT NULL)
RETURNS TABLE (accepted boolean, replayed boolean, code text, daily_limit integer, consumed integer, remaining integer,
               reset_at timestamptz)
LANGUAGE plpgsql AS $fn$
DECLARE
    v_today constant date := ${toolkit_schema}.today();
    v_day   date := CAST(COALESCE(p_at, now()) AT TIME ZONE 'UTC' AS date);
    v_limit integer;
    v_used integer;
    v_owner bigint;
    v_charged_day date;
BEGIN
    IF p_user_id IS NULL OR p_units IS NULL OR p_request_id IS NULL THEN
        RAISE EXCEPTION 'quota.consume: p_user_id, p_units and p_request_id must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_units < 1 OR p_units > 10000 THEN
        RAISE EXCEPTION 'quota.consume: p_units must be between 1 and 10000, got %', p_units USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- as RequestIds: 1 to 128 printable ASCII characters, no spaces
    IF p_request_id !~ '^[!-~]{1,128}$' THEN
        RAISE EXCEPTION 'quota.consume: p_request_id must be 1 to 128 printable ASCII characters without spaces'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    accepted := false;
    replayed := false;
    PERFORM 1 FROM ${toolkit_schema}.accounts a WHERE a.user_id = p_user_id;
    IF NOT FOUND THEN
        code := 'user_not_found';
        reset_at := (v_day + 1) AT TIME ZONE 'UTC';
        RETURN NEXT;
        RETURN;
    END IF;
    SELECT d.daily_limit INTO v_limit FROM ${toolkit_schema}.day_limit(p_user_id, v_day, v_day < v_today) d;
    IF v_limit IS NULL THEN
        code := 'no_active_subscription';
        reset_at := (v_day + 1) AT TIME ZONE 'UTC';
        RETURN NEXT;
        RETURN;
    END IF;
    -- A request id charged before is answered as a replay, for the day it was charged to. A
    -- concurrent first attempt holds the key until it ends: this waits, then sees it
    -- committed (a replay) or rolled back (ours).
    INSERT INTO ${toolkit_schema}.consumed_requests (request_id, user_id, quota_date, units)
    VALUES (p_request_id, p_user_id, v_day, p_units)
    ON CONFLICT (request_id) DO NOTHING;
    IF NOT FOUND THEN
        SELECT r.user_id, r.quota_date INTO v_owner, v_charged_day
          FROM ${toolkit_schema}.consumed_requests r WHERE r.request_id = p_request_id;
        IF v_owner IS DISTINCT FROM p_user_id THEN
            RAISE EXCEPTION 'quota.consume: request id % belongs to another user', p_request_id USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF v_charged_day <> v_day THEN
            v_day := v_charged_day;
            SELECT d.daily_limit INTO v_limit FROM ${toolkit_schema}.day_limit(p_user_id, v_day, v_day < v_today) d;
        END IF;
        SELECT q.used_count INTO v_used FROM ${product_schema}.user_daily_quota_usages q
         WHERE q.user_id = p_user_id AND q.quota_date = v_day;
        accepted := true;
        replayed := true;
        daily_limit := COALESCE(v_limit, 0);
        consumed := COALESCE(v_used, 0);
        remaining := GREATEST(0, daily_limit - consumed);
        reset_at := (v_day + 1) AT TIME ZONE 'UTC';
        RETURN NEXT;
        RETURN;
    END IF;
    reset_at := (v_day + 1) AT TIME ZONE 'UTC';
    daily_limit := v_limit;
    -- the atomic strategy's guarded upsert (UsageDao.addWithinLimit): never above the limit
    INSERT INTO ${product_schema}.user_daily_quota_usages AS q (user_id, quota_date, used_count, updated_at)
    SELECT p_user_id, v_day, p_units, now()
     WHERE p_units <= v_limit
    ON CONFLICT (user_id, quota_date) DO UPDATE
       SET used_count = q.used_count + EXCLUDED.used_count, updated_at = EXCLUDED.updated_at
     WHERE q.used_count + EXCLUDED.used_count <= v_limit
    RETURNING q.used_count INTO v_used;
    IF v_used IS NOT NULL THEN
        accepted := true;
    ELSE
        DELETE FROM ${toolkit_schema}.consumed_requests r WHERE r.request_id = p_request_id;
        SELECT q.used_count INTO v_used FROM ${product_schema}.user_daily_quota_usages q
         WHERE q.user_id = p_user_id AND q.quota_date = v_day;
        code := 'quota_exceeded';
    END IF;
    consumed := COALESCE(v_used, 0);
    remaining := GREATEST(0, v_limit - consumed);
    RETURN NEXT;
END
$fn$;
