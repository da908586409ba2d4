-- CoalescedBatchStatements.open.sql: rendered by FusedStatementsTest from the Java that assembles it; do not edit by hand.
-- parameters: userId, day, retryIds
WITH locked AS (SELECT used_count FROM user_daily_quota_usages WHERE user_id = :userId AND quota_date = :day FOR UPDATE)
SELECT c.user_id, c.email, c.plan_code, c.plan_limit, CAST(c.granted AS integer) AS granted, c.daily_limit,
       (SELECT used_count FROM locked) AS locked_count,
ARRAY(SELECT m.request_id FROM chat_messages m
       WHERE cardinality(CAST(:retryIds AS text[])) > 0
         AND m.role = 'user' AND m.request_id = ANY(CAST(:retryIds AS text[]))) AS committed
  FROM (SELECT u.user_id, u.email, p.plan_code, p.daily_message_limit AS plan_limit, COALESCE(g.granted, 0) AS granted,
       effective_limit(p.daily_message_limit, COALESCE(g.granted, 0)) AS daily_limit,
       COALESCE((SELECT q.used_count FROM user_daily_quota_usages q
                  WHERE q.user_id = u.user_id AND q.quota_date = :day), 0) AS consumed
  FROM accounts u
  LEFT JOIN LATERAL (SELECT dg.granted FROM day_grants dg
                      WHERE dg.user_id = u.user_id AND dg.quota_date = :day) g ON true
  LEFT JOIN LATERAL (SELECT pp.plan_code, pp.daily_message_limit
      FROM plan_periods pp
     WHERE pp.user_id = u.user_id
       AND CASE WHEN false THEN pp.started_at < (CAST(NULL AS date) + 1) AT TIME ZONE 'UTC'
                               AND (pp.ended_at IS NULL OR pp.ended_at > CAST(NULL AS date) AT TIME ZONE 'UTC')
                ELSE pp.ended_at IS NULL END
     ORDER BY pp.daily_message_limit DESC
     LIMIT 1) p ON true
 WHERE u.user_id = :userId
) AS c
