-- quota.consume: p_units for p_user_id's day, all or nothing, in the caller's transaction: the
-- UTC day of p_at, by default of now(), the transaction's start, which is also what the
-- product's `created_at DEFAULT now()` stamps on the message the caller stores next. A
-- backend that stamps messages with its own clock passes that timestamp as p_at. A replayed
-- request id answers for the day it was charged to. Units held for replies being written
-- (quota.reserve) count against the limit from V10 on (quota.held_units, read once the
-- counter's row is locked). ${user_key} is the product's key type (settings.user_key_type);
-- SqlApi renders this file with it, and with the held units or 0 before V10.
CREATE OR REPLACE FUNCTION ${toolkit_schema}.consume(p_user_id ${user_key}, p_units integer, p_request_id text, p_at timestamptz DEFAULT NULL)
RETURNS TABLE (accepted boolean, replayed boolean, code text, daily_limit integer, consumed integer, remaining integer,
               reset_at timestamptz)
LANGUAGE plpgsql AS $fn$
DECLARE
    v_today constant date := ${toolkit_schema}.today();
    v_day   date := CAST(COALESCE(p_at, now()) AT TIME ZONE 'UTC' AS date);
    v_limit integer;
    v_used integer;
    v_current integer;
    v_charged_day date;
BEGIN
    IF p_user_id IS NULL OR p_units IS NULL OR p_request_id IS NULL THEN
        RAISE EXCEPTION 'quota.consume: p_user_id, p_units and p_request_id must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
${check_units_and_request_id}
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
    ON CONFLICT (user_id, request_id) DO NOTHING;
    IF NOT FOUND THEN
        SELECT r.quota_date INTO v_charged_day
          FROM ${toolkit_schema}.consumed_requests r WHERE r.user_id = p_user_id AND r.request_id = p_request_id;
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
        remaining := ${remaining:daily_limit|consumed|${held}};
        reset_at := (v_day + 1) AT TIME ZONE 'UTC';
        RETURN NEXT;
        RETURN;
    END IF;
    reset_at := (v_day + 1) AT TIME ZONE 'UTC';
    daily_limit := v_limit;
    -- Never above the limit, in statements Citus can route to the user's shard when it plans
    -- them on the coordinator (a call inside a transaction block is not delegated): the
    -- counter row locked first, then the held units read under that lock (held_units, being
    -- VOLATILE, reads with a snapshot of its own, so it sees every hold committed under the
    -- lock), then the guarded increment. Citus refuses a VOLATILE function in an upsert's
    -- ON CONFLICT … WHERE, the one-statement form. A day without a row has no hold (reserve
    -- makes the row), so its row is made with the charge, by a plain INSERT … VALUES.
    IF p_units <= v_limit THEN
        SELECT q.used_count INTO v_current FROM ${product_schema}.user_daily_quota_usages q
         WHERE q.user_id = p_user_id AND q.quota_date = v_day
           FOR UPDATE;
        IF NOT FOUND THEN
            INSERT INTO ${product_schema}.user_daily_quota_usages AS q (user_id, quota_date, used_count, updated_at)
            VALUES (p_user_id, v_day, p_units, now())
            ON CONFLICT (user_id, quota_date) DO NOTHING
            RETURNING q.used_count INTO v_used;
            IF v_used IS NULL THEN
                -- another caller made the day's row first: take its lock as the others do
                SELECT q.used_count INTO v_current FROM ${product_schema}.user_daily_quota_usages q
                 WHERE q.user_id = p_user_id AND q.quota_date = v_day
                   FOR UPDATE;
            END IF;
        END IF;
        IF v_used IS NULL AND v_current + p_units + ${held} <= v_limit THEN
            UPDATE ${product_schema}.user_daily_quota_usages q SET used_count = q.used_count + p_units, updated_at = now()
             WHERE q.user_id = p_user_id AND q.quota_date = v_day
            RETURNING q.used_count INTO v_used;
        END IF;
    END IF;
    IF v_used IS NOT NULL THEN
        accepted := true;
    ELSE
        DELETE FROM ${toolkit_schema}.consumed_requests r WHERE r.user_id = p_user_id AND r.request_id = p_request_id;
        SELECT q.used_count INTO v_used FROM ${product_schema}.user_daily_quota_usages q
         WHERE q.user_id = p_user_id AND q.quota_date = v_day;
        code := 'quota_exceeded';
    END IF;
    consumed := COALESCE(v_used, 0);
    remaining := ${remaining:v_limit|consumed|${held}};
    RETURN NEXT;
END
$fn$;
