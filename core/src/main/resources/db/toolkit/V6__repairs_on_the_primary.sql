-- A repair reads its user-day again on the primary, under the counter's lock, and writes
-- what the primary's own count says. These record what it found there: equal to
-- used_count/expected when the scan saw what the primary holds; different when the scan
-- was behind (a hot standby that had not replayed the latest consumption, or a counter
-- still moving), in which case the primary won. NULL: no repair ran for the finding.
ALTER TABLE quota_reconciliation_drifts
    ADD COLUMN primary_used_count integer,
    ADD COLUMN primary_expected integer;
