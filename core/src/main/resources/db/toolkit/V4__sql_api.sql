-- The chat path for a backend in any language: quota.consume and quota.status, run by
-- PostgreSQL in the caller's own transaction (docs/sql-api.md). They read the product
-- through the read contract's views and count in the product's counter table, by the same
-- rules as the Java strategies (PlanOfDay, QuotaStatus, the atomic strategy's guarded
-- upsert). PL/pgSQL resolves names when first called, so the views may be written after
-- this runs. Errors in the arguments raise SQLSTATE 22023 (invalid_parameter_value) or
-- 22004 (null_value_not_allowed); business refusals are rows, never exceptions.

-- The request ids charged through quota.consume: what makes a retry idempotent when the
-- product keeps no request id of its own. Written in the caller's transaction, so a
-- rollback frees the id with the unit. Rows of past days may be deleted once clients no
-- longer retry them (docs/sql-api.md).
CREATE TABLE consumed_requests (
    request_id  text        PRIMARY KEY,
    user_id     bigint      NOT NULL,
    quota_date  date        NOT NULL,
    units       integer     NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consumed_requests_day ON consumed_requests (quota_date);

-- The day's facts for a user: the plan of the day, the grants, the counter.
CREATE FUNCTION status(p_user_id bigint, p_day date DEFAULT NULL)
RETURNS TABLE (plan_code text, daily_limit integer, consumed integer, remaining integer, reset_at timestamptz)
LANGUAGE plpgsql STABLE AS $fn$
DECLARE
    v_today constant date := CAST(statement_timestamp() AT TIME ZONE 'UTC' AS date);
    v_day   constant date := COALESCE(p_day, v_today);
    v_plan_code text;
    v_plan_limit integer;
    v_granted integer;
    v_used integer;
BEGIN
    IF p_user_id IS NULL THEN
        RAISE EXCEPTION 'quota.status: p_user_id must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM 1 FROM ${toolkit_schema}.accounts a WHERE a.user_id = p_user_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'user % not found', p_user_id USING ERRCODE = 'no_data_found', HINT = 'user_not_found';
    END IF;
    -- PlanOfDay: today (and later) the period that still applies, a finished day the one that
    -- covered it; the highest limit when several qualify
    SELECT pp.plan_code, pp.daily_message_limit INTO v_plan_code, v_plan_limit
      FROM ${toolkit_schema}.plan_periods pp
     WHERE pp.user_id = p_user_id
       AND CASE WHEN v_day >= v_today THEN pp.ended_at IS NULL
                ELSE pp.started_at < (v_day + 1) AT TIME ZONE 'UTC'
                     AND (pp.ended_at IS NULL OR pp.ended_at > v_day AT TIME ZONE 'UTC') END
     ORDER BY pp.daily_message_limit DESC
     LIMIT 1;
    IF v_plan_limit IS NULL THEN
        RAISE EXCEPTION 'user % has no active subscription on %', p_user_id, v_day
            USING ERRCODE = 'no_data_found', HINT = 'no_active_subscription';
    END IF;
    SELECT COALESCE(sum(g.applied_delta), 0) INTO v_granted
      FROM ${toolkit_schema}.quota_adjustments g
     WHERE g.user_id = p_user_id AND g.quota_date = v_day AND g.kind = 'grant';
    SELECT q.used_count INTO v_used
      FROM ${product_schema}.user_daily_quota_usages q
     WHERE q.user_id = p_user_id AND q.quota_date = v_day;
    plan_code := v_plan_code;
    daily_limit := GREATEST(0, v_plan_limit + v_granted);
    consumed := COALESCE(v_used, 0);
    remaining := GREATEST(0, daily_limit - consumed);
    reset_at := (v_day + 1) AT TIME ZONE 'UTC';
    RETURN NEXT;
END
$fn$;

-- Consume p_units for p_user_id's day (the UTC date of p_at, by default now), all or
-- nothing, in the caller's transaction: the caller stores its message and commits, or rolls
-- back and nothing was charged. One row: accepted, or a refusal with its code.
CREATE FUNCTION consume(p_user_id bigint, p_units integer, p_request_id text, p_at timestamptz DEFAULT NULL)
RETURNS TABLE (accepted boolean, replayed boolean, code text, daily_limit integer, consumed integer, remaining integer,
               reset_at timestamptz)
LANGUAGE plpgsql AS $fn$
DECLARE
    v_day   constant date := CAST(COALESCE(p_at, statement_timestamp()) AT TIME ZONE 'UTC' AS date);
    v_plan_limit integer;
    v_limit integer;
    v_used integer;
    v_owner bigint;
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
    reset_at := (v_day + 1) AT TIME ZONE 'UTC';
    accepted := false;
    replayed := false;
    PERFORM 1 FROM ${toolkit_schema}.accounts a WHERE a.user_id = p_user_id;
    IF NOT FOUND THEN
        code := 'user_not_found';
        RETURN NEXT;
        RETURN;
    END IF;
    SELECT pp.daily_message_limit INTO v_plan_limit
      FROM ${toolkit_schema}.plan_periods pp
     WHERE pp.user_id = p_user_id AND pp.ended_at IS NULL
     ORDER BY pp.daily_message_limit DESC
     LIMIT 1;
    IF v_plan_limit IS NULL THEN
        code := 'no_active_subscription';
        RETURN NEXT;
        RETURN;
    END IF;
    SELECT GREATEST(0, v_plan_limit + COALESCE(sum(g.applied_delta), 0)) INTO v_limit
      FROM ${toolkit_schema}.quota_adjustments g
     WHERE g.user_id = p_user_id AND g.quota_date = v_day AND g.kind = 'grant';
    daily_limit := v_limit;
    -- A request id charged before is answered as a replay. A concurrent first attempt holds
    -- the key until it ends: this waits, then sees it committed (a replay) or rolled back (ours).
    INSERT INTO ${toolkit_schema}.consumed_requests (request_id, user_id, quota_date, units)
    VALUES (p_request_id, p_user_id, v_day, p_units)
    ON CONFLICT (request_id) DO NOTHING;
    IF NOT FOUND THEN
        SELECT r.user_id INTO v_owner FROM ${toolkit_schema}.consumed_requests r WHERE r.request_id = p_request_id;
        IF v_owner IS DISTINCT FROM p_user_id THEN
            RAISE EXCEPTION 'quota.consume: request id % belongs to another user', p_request_id USING ERRCODE = 'invalid_parameter_value';
        END IF;
        SELECT q.used_count INTO v_used FROM ${product_schema}.user_daily_quota_usages q
         WHERE q.user_id = p_user_id AND q.quota_date = v_day;
        accepted := true;
        replayed := true;
        consumed := COALESCE(v_used, 0);
        remaining := GREATEST(0, v_limit - consumed);
        RETURN NEXT;
        RETURN;
    END IF;
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
