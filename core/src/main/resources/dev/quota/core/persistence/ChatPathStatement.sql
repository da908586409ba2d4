-- ChatPathStatement.sql: rendered by FusedStatementsTest from the Java that assembles it; do not edit by hand.
-- parameters: day, userId, units, requestIds, sentAt
WITH context AS (SELECT u.user_id, u.email, p.plan_code, p.daily_message_limit AS plan_limit, COALESCE(g.granted, 0) AS granted,
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
), counter AS (
INSERT INTO user_daily_quota_usages AS q (user_id, quota_date, used_count, updated_at)
SELECT :userId, :day, :units, now()
 WHERE :units <= (SELECT c.daily_limit FROM context c)
ON CONFLICT (user_id, quota_date) DO UPDATE
   SET used_count = q.used_count + EXCLUDED.used_count, updated_at = EXCLUDED.updated_at
 WHERE q.used_count + EXCLUDED.used_count + held_units(q.user_id, q.quota_date) <= (SELECT c.daily_limit FROM context c)
RETURNING used_count
), stored AS (
INSERT INTO chat_messages (user_id, conversation_id, role, created_at, request_id)
SELECT :userId, NULL, 'user', CAST(m.sent_at AS timestamptz), m.request_id
  FROM unnest(CAST(:requestIds AS text[]), CAST(:sentAt AS text[])) AS m(request_id, sent_at)
 WHERE EXISTS (SELECT 1 FROM counter)
ON CONFLICT (request_id) WHERE role = 'user' DO NOTHING
RETURNING request_id
)
SELECT c.user_id, c.email, c.plan_code, c.plan_limit, CAST(c.granted AS integer) AS granted, c.daily_limit,
       c.consumed, (SELECT used_count FROM counter) AS used_after,
       CAST((SELECT count(*) FROM stored) AS integer) AS stored
  FROM context c
