-- The ceiling for the reconciliation on the conversation layout: the same drift set as the
-- job finds through the read contract's views, computed by one query written by hand on
-- the product's own tables (no views), counted. Bound: :from, :to (dates), :usageKinds.
WITH messages AS (
    SELECT c.user_id, CAST(m.created_at AT TIME ZONE 'UTC' AS date) AS quota_date, count(*) AS messages
      FROM public.messages m
      JOIN public.conversations c ON c.id = m.conversation_id
     WHERE m.role = 'user'
       AND m.created_at >= CAST(:from AS date) AT TIME ZONE 'UTC'
       AND m.created_at < (CAST(:to AS date) + 1) AT TIME ZONE 'UTC'
     GROUP BY 1, 2
), counters AS (
    SELECT user_id, quota_date, used_count
      FROM public.user_daily_quota_usages
     WHERE quota_date BETWEEN CAST(:from AS date) AND CAST(:to AS date)
), adjustments AS (
    SELECT user_id, quota_date,
           COALESCE(sum(applied_delta) FILTER (WHERE kind = ANY(CAST(:usageKinds AS text[]))), 0) AS usage_delta,
           COALESCE(sum(applied_delta) FILTER (WHERE kind = 'grant'), 0) AS granted
      FROM quota.quota_adjustments
     WHERE quota_date BETWEEN CAST(:from AS date) AND CAST(:to AS date)
     GROUP BY 1, 2
), days AS (
    SELECT COALESCE(c.user_id, m.user_id, a.user_id) AS user_id,
           COALESCE(c.quota_date, m.quota_date, a.quota_date) AS quota_date,
           c.used_count, COALESCE(m.messages, 0) AS messages,
           COALESCE(a.usage_delta, 0) AS usage_delta, COALESCE(a.granted, 0) AS granted
      FROM counters c
      FULL JOIN messages m ON m.user_id = c.user_id AND m.quota_date = c.quota_date
      FULL JOIN adjustments a ON a.user_id = COALESCE(c.user_id, m.user_id) AND a.quota_date = COALESCE(c.quota_date, m.quota_date)
), ledgers AS (
    SELECT d.*, u.id IS NOT NULL AS user_exists,
           (SELECT max(p.daily_message_limit)
              FROM public.user_subscriptions s JOIN public.billing_plans p ON p.id = s.plan_id
             WHERE s.user_id = d.user_id
               AND s.started_at < (d.quota_date + 1) AT TIME ZONE 'UTC'
               AND (s.status = 'active' OR COALESCE(s.ended_at, s.started_at) > d.quota_date AT TIME ZONE 'UTC')) AS plan_limit
      FROM days d
      LEFT JOIN public.users u ON u.id = d.user_id
)
SELECT count(*) FROM ledgers l
 WHERE (l.used_count IS NULL AND l.messages + l.usage_delta > 0)
    OR (l.used_count IS NOT NULL AND (
           l.used_count <> quota.expected_usage(l.messages, l.usage_delta)
        OR NOT l.user_exists OR l.plan_limit IS NULL
        OR l.used_count > quota.effective_limit(l.plan_limit, l.granted)))
