-- quota.held_units(user, day): the units of the day's unexpired holds (quota.reserve), which
-- every admission counts against the limit. VOLATILE on purpose: each call reads with a
-- snapshot of its own, so, called once the counter's row is locked, it sees every hold
-- committed under that lock (a STABLE function would read with its caller's older snapshot).
-- Expiry is judged by clock_timestamp(), read after that snapshot, never by now(): now() is
-- the caller's transaction start, which can predate by seconds a wait on the counter's lock,
-- so a settle would count as held a hold that a consume, started later, had already found
-- expired and taken the room of (the settle then charging less than its message), and a
-- reader started before an admission would count a hold the admission no longer did. With
-- the clock read under the lock, admissions judge in the order they take it, and a hold
-- found expired by one is expired for every later one and for every later reading.
CREATE OR REPLACE FUNCTION ${toolkit_schema}.held_units(p_user_id ${user_key}, p_day date)
RETURNS integer
LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
    RETURN (SELECT CAST(COALESCE(sum(h.units), 0) AS integer)
              FROM ${toolkit_schema}.quota_holds h
             WHERE h.user_id = p_user_id AND h.quota_date = p_day AND h.state = 'held' AND h.expires_at > clock_timestamp());
END
$fn$;
