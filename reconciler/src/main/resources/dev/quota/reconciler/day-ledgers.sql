-- One row per (user, UTC day) of the range that has a counter, user messages or
-- adjustments, for the users of one partition [lo, hi], in key order (the cursor's
-- position is what a restart resumes from). Parameters, in order:
-- 1-4 messages: from, to (dates), lo, hi; 5-8 counters; 9 the usage-changing adjustment
-- kinds (text[]), 10-13 adjustments, 14-17 grants (the view day_grants, the rule every
-- reader uses). The messages are UserMessagesOfDays and the plan of each day
-- PlanOfDay.ofEachDay's join (the SQL rule quota.plan_of_day), put in place of the
-- placeholders by DayLedgerQuery.
WITH messages AS (
{user_messages_of_days}
), counters AS (
    SELECT user_id, quota_date, used_count
      FROM user_daily_quota_usages
     WHERE quota_date BETWEEN CAST(? AS date) AND CAST(? AS date)
       AND user_id BETWEEN ? AND ?
), adjustments AS (
    SELECT user_id, quota_date,
           COALESCE(sum(applied_delta) FILTER (WHERE kind = ANY(CAST(? AS text[]))), 0) AS usage_delta
      FROM quota_adjustments
     WHERE quota_date BETWEEN CAST(? AS date) AND CAST(? AS date)
       AND user_id BETWEEN ? AND ?
     GROUP BY 1, 2
), grants AS (
    SELECT user_id, quota_date, granted
      FROM day_grants
     WHERE quota_date BETWEEN CAST(? AS date) AND CAST(? AS date)
       AND user_id BETWEEN ? AND ?
), days AS (
    SELECT COALESCE(c.user_id, m.user_id, a.user_id) AS user_id,
           COALESCE(c.quota_date, m.quota_date, a.quota_date) AS quota_date,
           c.used_count, COALESCE(m.messages, 0) AS messages,
           COALESCE(a.usage_delta, 0) AS usage_delta
      FROM counters c
      FULL JOIN messages m ON m.user_id = c.user_id AND m.quota_date = c.quota_date
      FULL JOIN adjustments a ON a.user_id = COALESCE(c.user_id, m.user_id) AND a.quota_date = COALESCE(c.quota_date, m.quota_date)
)
SELECT d.user_id, d.quota_date, d.used_count, CAST(d.messages AS integer) AS messages,
       CAST(d.usage_delta AS integer) AS usage_delta, COALESCE(g.granted, 0) AS granted,
       u.user_id IS NOT NULL AS user_exists, p.daily_message_limit AS plan_limit,
       expected_usage(d.messages, d.usage_delta) AS expected,
       effective_limit(p.daily_message_limit, COALESCE(g.granted, 0)) AS effective_limit
  FROM days d
  LEFT JOIN accounts u ON u.user_id = d.user_id
  LEFT JOIN grants g ON g.user_id = d.user_id AND g.quota_date = d.quota_date
{plan_of_day}
 ORDER BY d.user_id, d.quota_date
