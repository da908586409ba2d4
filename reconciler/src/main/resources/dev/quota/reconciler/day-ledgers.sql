-- One row per (user, UTC day) of the range that has a counter, user messages or
-- adjustments, for the users of one partition [lo, hi], in key order (the cursor's
-- position is what a restart resumes from). Parameters, in order:
-- 1-4 messages: from, to (dates), lo, hi; 5-8 counters; 9 the usage-changing adjustment
-- kinds (text[]), 10-13 adjustments. The messages are UserMessagesOfDays and the plan of
-- each day PlanOfDay's rule, put in place of the placeholders by DayLedgerQuery; the
-- grants are the view day_grants, the rule every reader uses.
-- Written so that Citus pushes it down whole to each worker (docs/scaling.md): the three
-- sources meet in a UNION ALL grouped by user and day (a FULL JOIN on COALESCE'd keys is
-- not a join on the distribution column), and the user, the grants and the plan of each
-- user-day are subqueries correlated on user_id (Citus would plan an outer join to them
-- through the coordinator).
WITH facts AS (
    SELECT m.user_id, m.quota_date, CAST(NULL AS integer) AS used_count, m.messages, 0 AS usage_delta
      FROM ({user_messages_of_days}) m
    UNION ALL
    SELECT user_id, quota_date, used_count, 0, 0
      FROM user_daily_quota_usages
     WHERE quota_date BETWEEN CAST(? AS date) AND CAST(? AS date)
       AND user_id BETWEEN ? AND ?
    UNION ALL
    SELECT user_id, quota_date, NULL, 0,
           COALESCE(sum(applied_delta) FILTER (WHERE kind = ANY(CAST(? AS text[]))), 0)
      FROM quota_adjustments
     WHERE quota_date BETWEEN CAST(? AS date) AND CAST(? AS date)
       AND user_id BETWEEN ? AND ?
     GROUP BY 1, 2
), days AS (
    SELECT user_id, quota_date, max(used_count) AS used_count,
           CAST(sum(messages) AS bigint) AS messages, CAST(sum(usage_delta) AS bigint) AS usage_delta
      FROM facts
     GROUP BY user_id, quota_date
)
SELECT l.*, expected_usage(l.messages, l.usage_delta) AS expected,
       effective_limit(l.plan_limit, l.granted) AS effective_limit
  FROM (SELECT d.user_id, d.quota_date, d.used_count, CAST(d.messages AS integer) AS messages,
               CAST(d.usage_delta AS integer) AS usage_delta,
               COALESCE((SELECT g.granted FROM day_grants g
                          WHERE g.user_id = d.user_id AND g.quota_date = d.quota_date), 0) AS granted,
               EXISTS (SELECT 1 FROM accounts u WHERE u.user_id = d.user_id) AS user_exists,
               {plan_limit_of_day} AS plan_limit
          FROM days d) l
 ORDER BY l.user_id, l.quota_date
