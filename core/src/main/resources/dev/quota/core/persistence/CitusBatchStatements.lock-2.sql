-- CitusBatchStatements.lock-2.sql: rendered by FusedStatementsTest from the Java that assembles it; do not edit by hand.
-- parameters: userId0, day0, userId1, day1
INSERT INTO user_daily_quota_usages AS q (user_id, quota_date, used_count, updated_at)
VALUES (:userId0, CAST(:day0 AS date), 0, now()),
       (:userId1, CAST(:day1 AS date), 0, now())
ON CONFLICT (user_id, quota_date) DO UPDATE SET used_count = q.used_count
RETURNING q.user_id, q.quota_date, q.used_count
