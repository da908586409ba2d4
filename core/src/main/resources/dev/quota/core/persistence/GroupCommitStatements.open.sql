-- GroupCommitStatements.open.sql: rendered by FusedStatementsTest from the Java that assembles it; do not edit by hand.
-- parameters: userIds, days, retryIds
WITH keys AS (SELECT DISTINCT k.user_id, k.day
  FROM unnest(:userIds, CAST(:days AS date[])) AS k(user_id, day)),
facts AS (SELECT k.day, c.* FROM keys k CROSS JOIN LATERAL (SELECT u.user_id, u.email, p.plan_code, p.daily_message_limit AS plan_limit, COALESCE(g.granted, 0) AS granted,
       effective_limit(p.daily_message_limit, COALESCE(g.granted, 0)) AS daily_limit
  FROM accounts u
  LEFT JOIN LATERAL (SELECT dg.granted FROM day_grants dg
                      WHERE dg.user_id = u.user_id AND dg.quota_date = k.day) g ON true
  LEFT JOIN LATERAL (SELECT pp.plan_code, pp.daily_message_limit
      FROM plan_periods pp
     WHERE pp.user_id = u.user_id
       AND CASE WHEN false THEN pp.started_at < (CAST(NULL AS date) + 1) AT TIME ZONE 'UTC'
                               AND (pp.ended_at IS NULL OR pp.ended_at > CAST(NULL AS date) AT TIME ZONE 'UTC')
                ELSE pp.ended_at IS NULL END
     ORDER BY pp.daily_message_limit DESC
     LIMIT 1) p ON true
 WHERE u.user_id = k.user_id
) c),
locked AS (INSERT INTO user_daily_quota_usages AS q (user_id, quota_date, used_count, updated_at)
SELECT k.user_id, k.day, 0, now() FROM (SELECT user_id, day FROM facts WHERE plan_limit IS NOT NULL) k
 ORDER BY k.user_id, k.day
ON CONFLICT (user_id, quota_date) DO UPDATE SET used_count = q.used_count
RETURNING q.user_id, q.quota_date, q.used_count
)
SELECT f.user_id, f.day, f.email, f.plan_code, f.plan_limit, CAST(f.granted AS integer) AS granted, f.daily_limit,
       l.used_count AS locked_count, NULL AS request_ids
  FROM facts f LEFT JOIN locked l ON l.user_id = f.user_id AND l.quota_date = f.day
UNION ALL
SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
ARRAY(SELECT m.request_id FROM chat_messages m
       WHERE cardinality(CAST(:retryIds AS text[])) > 0
         AND m.role = 'user' AND m.request_id = ANY(CAST(:retryIds AS text[])))
