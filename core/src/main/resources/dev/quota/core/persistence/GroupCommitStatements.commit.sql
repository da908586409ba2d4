-- GroupCommitStatements.commit.sql: rendered by FusedStatementsTest from the Java that assembles it; do not edit by hand.
-- parameters: counterUserIds, counterDays, counterUsed, messageUserIds, messageDays, requestIds, sentAt
WITH counters AS (UPDATE user_daily_quota_usages q SET used_count = v.used, updated_at = now()
  FROM unnest(:counterUserIds, CAST(:counterDays AS date[]), CAST(:counterUsed AS integer[]))
       AS v(user_id, day, used)
 WHERE q.user_id = v.user_id AND q.quota_date = v.day AND q.user_id = ANY(:counterUserIds)
RETURNING q.user_id
), stored AS (
INSERT INTO chat_messages (user_id, conversation_id, role, created_at, request_id)
SELECT m.user_id, NULL, 'user', CAST(m.sent_at AS timestamptz), m.request_id
  FROM unnest(:messageUserIds, CAST(:messageDays AS date[]), CAST(:requestIds AS text[]), CAST(:sentAt AS text[])) AS m(user_id, day, request_id, sent_at)
 WHERE true
ON CONFLICT (request_id) WHERE role = 'user' DO NOTHING
RETURNING request_id
)
SELECT ARRAY(SELECT request_id FROM stored) AS stored, (SELECT count(*) FROM counters) AS counters
