-- CitusBatchStatements.write.sql: rendered by FusedStatementsTest from the Java that assembles it; do not edit by hand.
-- parameters: counterUserIds, counterDays, counterUsed
UPDATE user_daily_quota_usages q SET used_count = v.used, updated_at = now()
  FROM unnest(:counterUserIds, CAST(:counterDays AS date[]), CAST(:counterUsed AS integer[]))
       AS v(user_id, day, used)
 WHERE q.user_id = v.user_id AND q.quota_date = v.day AND q.user_id = ANY(:counterUserIds)
RETURNING q.user_id
