-- The database's ceiling for the reconciliation: the same drift set as the job finds,
-- computed by one query over the whole user range, counted. Parameters as in
-- day-ledgers.sql. The predicate mirrors DayLedger.kinds(); ReconciliationJobTest checks
-- that both agree.
-- OFFSET 0 keeps the predicate out of the scan's grouping: pushed into it, it would repeat
-- the plan subquery once for each time the predicate names the plan's limit.
SELECT count(*) FROM (
%s
OFFSET 0) l
WHERE (l.used_count IS NULL AND l.messages + l.usage_delta > 0)
   OR (l.used_count IS NOT NULL AND (
          l.used_count <> expected_usage(l.messages, l.usage_delta)
       OR NOT l.user_exists OR l.plan_limit IS NULL
       OR l.used_count > effective_limit(l.plan_limit, l.granted)))
