-- quota.reserve: hold p_units of the day's quota for a reply being written, for p_ttl at
-- most from the moment it is taken, in a transaction of its own: the UTC day of p_at, by
-- default of now() (a backend that stamps its messages with its own clock passes that
-- timestamp, as to quota.consume). Admitted while consumed + held + p_units <= the limit,
-- under the lock of the user's counter row for the day, which every admission takes
-- (consume, reserve, settle). The same request id answers with the same hold, whatever its state.
-- A hold whose caller died stops counting at its expiry, with no job running.
CREATE OR REPLACE FUNCTION ${toolkit_schema}.reserve(p_user_id ${user_key}, p_units integer, p_request_id text,
                                                     p_ttl interval DEFAULT interval '5 minutes', p_at timestamptz DEFAULT NULL)
RETURNS TABLE (accepted boolean, replayed boolean, code text, daily_limit integer, consumed integer, held integer, remaining integer,
               reset_at timestamptz, expires_at timestamptz)
LANGUAGE plpgsql AS $fn$
DECLARE
    v_today constant date := ${toolkit_schema}.today();
    v_day constant date := CAST(COALESCE(p_at, now()) AT TIME ZONE 'UTC' AS date);
    v_limit integer;
    v_used integer;
    v_hold ${toolkit_schema}.quota_holds%ROWTYPE;
    v_locked_at timestamptz;
BEGIN
    IF p_user_id IS NULL OR p_units IS NULL OR p_request_id IS NULL OR p_ttl IS NULL THEN
        RAISE EXCEPTION 'quota.reserve: p_user_id, p_units, p_request_id and p_ttl must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
${check_units_and_request_id}
    IF p_ttl <= interval '0' OR p_ttl > interval '1 day' THEN
        RAISE EXCEPTION 'quota.reserve: p_ttl must be above 0 and at most 1 day, got %', p_ttl USING ERRCODE = 'invalid_parameter_value';
    END IF;
    accepted := false;
    replayed := false;
    reset_at := (v_day + 1) AT TIME ZONE 'UTC';
    PERFORM 1 FROM ${toolkit_schema}.accounts a WHERE a.user_id = p_user_id;
    IF NOT FOUND THEN
        code := 'user_not_found';
        RETURN NEXT;
        RETURN;
    END IF;
    SELECT d.daily_limit INTO v_limit FROM ${toolkit_schema}.day_limit(p_user_id, v_day, v_day < v_today) d;
    IF v_limit IS NULL THEN
        code := 'no_active_subscription';
        RETURN NEXT;
        RETURN;
    END IF;
    daily_limit := v_limit;
    -- the user-day's one lock: the counter row, made if the day has none yet (a plain
    -- INSERT … VALUES, which Citus routes to the user's shard), then locked by an update of its
    -- updated_at: a new row version, so that a SERIALIZABLE consumer that read the row before
    -- this hold fails to write it and reads again (a FOR UPDATE would leave it no trace)
    INSERT INTO ${product_schema}.user_daily_quota_usages (user_id, quota_date, used_count, updated_at)
    VALUES (p_user_id, v_day, 0, now())
    ON CONFLICT (user_id, quota_date) DO NOTHING;
    UPDATE ${product_schema}.user_daily_quota_usages q SET updated_at = now()
     WHERE q.user_id = p_user_id AND q.quota_date = v_day
    RETURNING q.used_count INTO v_used;
    -- the instant the lock was taken: expiry is judged by it (as quota.held_units does), and a
    -- new hold's TTL runs from it, not from a transaction start that a wait for the lock delays
    v_locked_at := clock_timestamp();
    SELECT * INTO v_hold FROM ${toolkit_schema}.quota_holds h WHERE h.user_id = p_user_id AND h.request_id = p_request_id;
    IF FOUND THEN
        replayed := true;
        accepted := v_hold.state = 'held' AND v_hold.expires_at > v_locked_at;
        code := CASE WHEN v_hold.state = 'settled' THEN 'hold_settled'
                     WHEN v_hold.state = 'released' THEN 'hold_released'
                     WHEN v_hold.expires_at <= v_locked_at THEN 'hold_expired' END;
        expires_at := v_hold.expires_at;
        IF v_hold.quota_date <> v_day THEN
            -- a hold of an earlier day: its day's facts
            reset_at := (v_hold.quota_date + 1) AT TIME ZONE 'UTC';
            SELECT d.daily_limit INTO daily_limit FROM ${toolkit_schema}.day_limit(p_user_id, v_hold.quota_date, v_hold.quota_date < v_today) d;
            SELECT q.used_count INTO v_used FROM ${product_schema}.user_daily_quota_usages q
             WHERE q.user_id = p_user_id AND q.quota_date = v_hold.quota_date;
        END IF;
        consumed := COALESCE(v_used, 0);
        held := ${toolkit_schema}.held_units(p_user_id, v_hold.quota_date);
        remaining := ${remaining:COALESCE(daily_limit, 0)|consumed|held};
        RETURN NEXT;
        RETURN;
    END IF;
    held := ${toolkit_schema}.held_units(p_user_id, v_day);
    consumed := v_used;
    IF v_used + held + p_units <= v_limit THEN
        INSERT INTO ${toolkit_schema}.quota_holds (user_id, request_id, quota_date, units, expires_at)
        VALUES (p_user_id, p_request_id, v_day, p_units, v_locked_at + p_ttl);
        accepted := true;
        held := held + p_units;
        expires_at := v_locked_at + p_ttl;
    ELSE
        code := 'quota_exceeded';
    END IF;
    remaining := ${remaining:daily_limit|consumed|held};
    RETURN NEXT;
END
$fn$;
