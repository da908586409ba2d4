-- The database's ceiling for the reconciliation: the same drift set as the job finds,
-- computed by one query over the whole user range, counted. Parameters as in
-- day-ledgers.sql. The WHERE is DayLedger.DRIFTING_SQL: DayLedger.kinds() as one condition.
-- OFFSET 0 keeps the predicate out of the scan's grouping: pushed into it, it would repeat
-- the plan subquery once for each time the predicate names the plan's limit.
SELECT count(*) FROM (
{day_ledgers}
OFFSET 0) l
WHERE {drifting}
