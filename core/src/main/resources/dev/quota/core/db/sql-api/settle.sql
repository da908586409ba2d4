-- quota.settle: charge what the reply used and free the rest of its hold, in the transaction
-- that stores the reply's message, so that the charge and the message commit together. The
-- hold's own day is charged, after midnight too. Used at most the hold: charged in full.
-- Used above it: the extra only within the limit, the rest not charged (code
-- charged_within_limit). A second settle answers with the first one's result; a settle after
-- a release or after the hold expired charges nothing and says so (hold_released,
-- hold_expired): the backend then stores its message with quota.consume, or not at all.
CREATE OR REPLACE FUNCTION ${toolkit_schema}.settle(p_user_id ${user_key}, p_request_id text, p_units_used integer)
RETURNS TABLE (settled boolean, replayed boolean, code text, charged integer, daily_limit integer, consumed integer, held integer,
               remaining integer, reset_at timestamptz)
LANGUAGE plpgsql AS $fn$
DECLARE
    v_today constant date := ${toolkit_schema}.today();
    v_hold ${toolkit_schema}.quota_holds%ROWTYPE;
    v_used integer;
    v_held integer;
    v_others integer;
BEGIN
    IF p_user_id IS NULL OR p_request_id IS NULL OR p_units_used IS NULL THEN
        RAISE EXCEPTION 'quota.settle: p_user_id, p_request_id and p_units_used must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_units_used < 0 OR p_units_used > 10000 THEN
        RAISE EXCEPTION 'quota.settle: p_units_used must be between 0 and 10000, got %', p_units_used
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    settled := false;
    replayed := false;
    charged := 0;
    SELECT * INTO v_hold FROM ${toolkit_schema}.quota_holds h WHERE h.user_id = p_user_id AND h.request_id = p_request_id;
    IF NOT FOUND THEN
        code := 'hold_not_found';
        reset_at := (v_today + 1) AT TIME ZONE 'UTC';
        RETURN NEXT;
        RETURN;
    END IF;
    reset_at := (v_hold.quota_date + 1) AT TIME ZONE 'UTC';
    -- the lock order of every admission: the counter row, then the hold
    SELECT q.used_count INTO v_used FROM ${product_schema}.user_daily_quota_usages q
     WHERE q.user_id = p_user_id AND q.quota_date = v_hold.quota_date
       FOR UPDATE;
    SELECT * INTO v_hold FROM ${toolkit_schema}.quota_holds h WHERE h.user_id = p_user_id AND h.request_id = p_request_id FOR UPDATE;
    SELECT d.daily_limit INTO daily_limit
      FROM ${toolkit_schema}.day_limit(p_user_id, v_hold.quota_date, v_hold.quota_date < v_today) d;
    -- the day's held units first, then the clock: expiry is judged by the clock under the lock,
    -- as quota.held_units judges it, and a hold still live by a later reading of the clock was
    -- live for held_units too, so it is among the units it counted
    v_held := ${toolkit_schema}.held_units(p_user_id, v_hold.quota_date);
    IF v_hold.state = 'settled' THEN
        settled := true;
        replayed := true;
        code := v_hold.code;
        charged := v_hold.charged_units;
    ELSIF v_hold.state = 'released' THEN
        code := 'hold_released';
    ELSIF v_hold.expires_at <= clock_timestamp() THEN
        code := 'hold_expired';
    ELSE
        v_others := v_held - v_hold.units;
        charged := LEAST(p_units_used, ${remaining:COALESCE(daily_limit, 0)|COALESCE(v_used, 0)|v_others});
        IF charged > 0 THEN
            UPDATE ${product_schema}.user_daily_quota_usages q SET used_count = q.used_count + charged, updated_at = now()
             WHERE q.user_id = p_user_id AND q.quota_date = v_hold.quota_date
            RETURNING q.used_count INTO v_used;
        END IF;
        IF charged < p_units_used THEN
            code := 'charged_within_limit';
        END IF;
        UPDATE ${toolkit_schema}.quota_holds h
           SET state = 'settled', units_used = p_units_used, charged_units = charged, code = settle.code, finished_at = now()
         WHERE h.user_id = p_user_id AND h.request_id = p_request_id;
        settled := true;
    END IF;
    consumed := COALESCE(v_used, 0);
    held := ${toolkit_schema}.held_units(p_user_id, v_hold.quota_date);
    remaining := ${remaining:COALESCE(daily_limit, 0)|consumed|held};
    RETURN NEXT;
END
$fn$;
