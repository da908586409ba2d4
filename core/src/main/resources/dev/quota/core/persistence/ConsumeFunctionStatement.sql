-- ConsumeFunctionStatement.sql: rendered by FusedStatementsTest from the Java that assembles it; do not edit by hand.
-- parameters: userId, units, requestId, at, requestIds, sentAt
WITH c AS MATERIALIZED (SELECT * FROM consume(:userId, :units, :requestId, CAST(:at AS timestamptz))), stored AS (
INSERT INTO chat_messages (user_id, conversation_id, role, created_at, request_id)
SELECT :userId, NULL, 'user', CAST(m.sent_at AS timestamptz), m.request_id
  FROM unnest(CAST(:requestIds AS text[]), CAST(:sentAt AS text[])) AS m(request_id, sent_at)
 WHERE (SELECT c.accepted AND NOT c.replayed FROM c)
ON CONFLICT (request_id) WHERE role = 'user' DO NOTHING
RETURNING request_id
)
SELECT c.accepted, c.replayed, c.code, c.daily_limit, c.consumed,
       CAST((SELECT count(*) FROM stored) AS integer) AS stored,
       u.email, p.plan_code, p.daily_message_limit AS plan_limit
  FROM c
  LEFT JOIN accounts u ON u.user_id = :userId
  LEFT JOIN LATERAL (SELECT pp.plan_code, pp.daily_message_limit
      FROM plan_periods pp
     WHERE pp.user_id = u.user_id
       AND CASE WHEN false THEN pp.started_at < (CAST(NULL AS date) + 1) AT TIME ZONE 'UTC'
                               AND (pp.ended_at IS NULL OR pp.ended_at > CAST(NULL AS date) AT TIME ZONE 'UTC')
                ELSE pp.ended_at IS NULL END
     ORDER BY pp.daily_message_limit DESC
     LIMIT 1) p ON true
