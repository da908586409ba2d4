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
  LEFT JOIN LATERAL plan_of_day(u.user_id, CAST(NULL AS date), false) p ON true
