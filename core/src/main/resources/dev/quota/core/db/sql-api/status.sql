-- quota.status(user, day): the day's facts for a user (docs/sql-api.md), the units held for
-- replies being written among them (quota.held_units from V10 on, 0 before). ${user_key} is
-- the product's key type (settings.user_key_type); SqlApi renders this file with both.
CREATE OR REPLACE FUNCTION ${toolkit_schema}.status(p_user_id ${user_key}, p_day date DEFAULT NULL)
RETURNS TABLE (plan_code text, daily_limit integer, consumed integer, remaining integer, reset_at timestamptz, held integer)
LANGUAGE plpgsql VOLATILE AS $fn$
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
    held := ${held};
    remaining := ${remaining:daily_limit|consumed|held};
    reset_at := (v_day + 1) AT TIME ZONE 'UTC';
    RETURN NEXT;
END
$fn$;
