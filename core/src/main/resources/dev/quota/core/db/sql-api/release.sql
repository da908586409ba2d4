-- quota.release: free a whole hold (the reply failed, or the user went away). Released
-- twice is released; a settled hold stays settled (hold_settled); an unknown request id is
-- hold_not_found. Takes only the hold's row: freeing units never needs the counter's lock.
CREATE OR REPLACE FUNCTION ${toolkit_schema}.release(p_user_id ${user_key}, p_request_id text)
RETURNS TABLE (released boolean, replayed boolean, code text, units integer, expires_at timestamptz)
LANGUAGE plpgsql AS $fn$
DECLARE
    v_hold ${toolkit_schema}.quota_holds%ROWTYPE;
BEGIN
    IF p_user_id IS NULL OR p_request_id IS NULL THEN
        RAISE EXCEPTION 'quota.release: p_user_id and p_request_id must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    released := false;
    replayed := false;
    SELECT * INTO v_hold FROM ${toolkit_schema}.quota_holds h WHERE h.user_id = p_user_id AND h.request_id = p_request_id FOR UPDATE;
    IF NOT FOUND THEN
        code := 'hold_not_found';
        units := 0;
        RETURN NEXT;
        RETURN;
    END IF;
    units := v_hold.units;
    expires_at := v_hold.expires_at;
    IF v_hold.state = 'settled' THEN
        code := 'hold_settled';
    ELSIF v_hold.state = 'released' THEN
        released := true;
        replayed := true;
    ELSE
        UPDATE ${toolkit_schema}.quota_holds h SET state = 'released', finished_at = now()
         WHERE h.user_id = p_user_id AND h.request_id = p_request_id;
        released := true;
    END IF;
    RETURN NEXT;
END
$fn$;
