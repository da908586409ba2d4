-- CoalescedBatchStatements.commit.sql: rendered by FusedStatementsTest from the Java that assembles it; do not edit by hand.
-- parameters: used, userId, day, requestIds, sentAt
WITH counter AS (UPDATE user_daily_quota_usages SET used_count = :used, updated_at = now() WHERE user_id = :userId AND quota_date = :day), stored AS (
INSERT INTO chat_messages (user_id, conversation_id, role, created_at, request_id)
SELECT :userId, NULL, 'user', CAST(m.sent_at AS timestamptz), m.request_id
  FROM unnest(CAST(:requestIds AS text[]), CAST(:sentAt AS text[])) AS m(request_id, sent_at)
 WHERE true
ON CONFLICT (request_id) WHERE role = 'user' DO NOTHING
RETURNING request_id
)
SELECT CAST(count(*) AS integer) FROM stored
