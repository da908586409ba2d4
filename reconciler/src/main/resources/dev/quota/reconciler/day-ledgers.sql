-- One row per (user, UTC day) of the range that has a counter, user messages or
-- adjustments, for the users of one partition (a KeyRange), in key order (the cursor's
-- position is what a restart resumes from). Parameters, in order:
-- 1-6 messages: from, to (dates), the key range (four); 7-12 counters; 13 the usage-changing
-- adjustment kinds (text[]), 14-19 adjustments. The messages are UserMessagesOfDays and the plan of
-- each day PlanOfDay's rule, put in place of the placeholders by DayLedgerQuery; the
-- grants are the view day_grants, the rule every reader uses. The merged scan (LedgerScan)
-- runs it without its messages leg (messages-leg.sql; parameters 1-6 then go), in
-- LedgerKeyOrder's order, and merges the messages in.
-- Written so that Citus pushes it down whole to each worker (docs/scaling.md): the three
-- sources meet in a UNION ALL grouped by user and day (a FULL JOIN on COALESCE'd keys is
-- not a join on the distribution column), and the user, the grants and the plan of each
-- user-day are subqueries correlated on user_id (Citus would plan an outer join to them
-- through the coordinator).
WITH facts AS (
    -- every leg with the same column types, so that the planner flattens the UNION and can
    -- merge the legs in key order instead of sorting or hashing them all
{messages_leg}    SELECT user_id, quota_date, used_count, CAST(0 AS bigint) AS messages, CAST(0 AS bigint) AS usage_delta
      FROM user_daily_quota_usages
     WHERE quota_date BETWEEN CAST(? AS date) AND CAST(? AS date)
       AND {key_range}
    UNION ALL
    SELECT user_id, quota_date, CAST(NULL AS integer), CAST(0 AS bigint),
           COALESCE(sum(applied_delta) FILTER (WHERE kind = ANY(CAST(? AS text[]))), 0)
      FROM quota_adjustments
     WHERE quota_date BETWEEN CAST(? AS date) AND CAST(? AS date)
       AND {key_range}
     GROUP BY 1, 2
), days AS (
    -- the user, the grants and the plan are read here, once per user-day: a grouped
    -- subquery is not flattened into the query above, which reads plan_limit twice
    SELECT user_id, quota_date, max(used_count) AS used_count,
           CAST(sum(messages) AS integer) AS messages, CAST(sum(usage_delta) AS integer) AS usage_delta,
           COALESCE((SELECT g.granted FROM day_grants g
                      WHERE g.user_id = f.user_id AND g.quota_date = f.quota_date), 0) AS granted,
           EXISTS (SELECT 1 FROM accounts u WHERE u.user_id = f.user_id) AS user_exists,
           {plan_limit_of_day} AS plan_limit
      FROM facts f
     GROUP BY user_id, quota_date
)
SELECT d.*, expected_usage(d.messages, d.usage_delta) AS expected,
       effective_limit(d.plan_limit, d.granted) AS effective_limit
  FROM days d
 ORDER BY {key_order}, d.quota_date
