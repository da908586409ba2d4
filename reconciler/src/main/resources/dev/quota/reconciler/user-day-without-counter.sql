-- The ledger of one user-day that the merged scan found user messages for and neither a
-- counter nor an adjustment: a missing counter. Read by the user's key alone, so that each
-- subquery goes to that user's worker on Citus. Named parameters: user, day, messages. The
-- plan of the day is PlanOfDay's rule, put in place by DayLedgerQuery.
SELECT l.*, expected_usage(l.messages, l.usage_delta) AS expected, effective_limit(l.plan_limit, l.granted) AS effective_limit
  FROM (SELECT CAST(NULL AS integer) AS used_count, CAST(:messages AS integer) AS messages, 0 AS usage_delta,
               COALESCE((SELECT g.granted FROM day_grants g WHERE g.user_id = :user AND g.quota_date = CAST(:day AS date)), 0) AS granted,
               EXISTS (SELECT 1 FROM accounts u WHERE u.user_id = :user) AS user_exists,
               {plan_limit_of_day} AS plan_limit) l
