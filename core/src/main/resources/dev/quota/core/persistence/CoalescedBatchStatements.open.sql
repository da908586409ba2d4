-- CoalescedBatchStatements.open.sql: rendered by FusedStatementsTest from the Java that assembles it; do not edit by hand.
-- parameters: userId, day, retryIds
WITH locked AS (SELECT used_count FROM user_daily_quota_usages WHERE user_id = :userId AND quota_date = :day FOR UPDATE)
SELECT c.user_id, c.email, c.plan_code, c.plan_limit, CAST(c.granted AS integer) AS granted, c.daily_limit,
       (SELECT used_count FROM locked) AS locked_count,
ARRAY(SELECT m.request_id FROM chat_messages m
       WHERE cardinality(CAST(:retryIds AS text[])) > 0
         AND m.role = 'user' AND m.request_id = ANY(CAST(:retryIds AS text[]))) AS committed
  FROM (SELECT u.user_id, u.email, p.plan_code, p.daily_message_limit AS plan_limit, g.granted,
       effective_limit(p.daily_message_limit, g.granted) AS daily_limit,
       COALESCE((SELECT q.used_count FROM user_daily_quota_usages q
                  WHERE q.user_id = u.user_id AND q.quota_date = :day), 0) AS consumed
  FROM accounts u
 CROSS JOIN LATERAL (SELECT COALESCE((SELECT dg.granted FROM day_grants dg
                                       WHERE dg.user_id = u.user_id AND dg.quota_date = :day), 0) AS granted) g
  LEFT JOIN LATERAL plan_of_day(u.user_id, CAST(NULL AS date), false) p ON true
 WHERE u.user_id = :userId
) AS c
