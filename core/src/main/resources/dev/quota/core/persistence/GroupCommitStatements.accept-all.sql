-- GroupCommitStatements.accept-all.sql: rendered by FusedStatementsTest from the Java that assembles it; do not edit by hand.
-- parameters: userIds, days, units, messageUserIds, messageDays, requestIds, sentAt
WITH requested AS (SELECT r.user_id, r.day, CAST(sum(r.units) AS integer) AS units
  FROM unnest(:userIds, CAST(:days AS date[]), CAST(:units AS integer[])) AS r(user_id, day, units)
 GROUP BY r.user_id, r.day),
facts AS (SELECT k.day, k.units, c.* FROM requested k CROSS JOIN LATERAL (SELECT u.user_id, u.email, p.plan_code, p.daily_message_limit AS plan_limit, COALESCE(g.granted, 0) AS granted,
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
counters AS (INSERT INTO user_daily_quota_usages AS q (user_id, quota_date, used_count, updated_at)
SELECT k.user_id, k.day, CASE WHEN k.units <= k."limit" THEN k.units ELSE 0 END, now() FROM (SELECT f.user_id, f.day, f.units, f.daily_limit AS "limit" FROM facts f WHERE f.plan_limit IS NOT NULL) k
 ORDER BY k.user_id, k.day
ON CONFLICT (user_id, quota_date) DO UPDATE
   SET used_count = q.used_count + EXCLUDED.used_count, updated_at = EXCLUDED.updated_at
 WHERE EXCLUDED.used_count > 0
   AND q.used_count + EXCLUDED.used_count + held_units(q.user_id, q.quota_date) <= (SELECT k."limit" FROM (SELECT f.user_id, f.day, f.units, f.daily_limit AS "limit" FROM facts f WHERE f.plan_limit IS NOT NULL) k
                                               WHERE k.user_id = q.user_id AND k.day = q.quota_date)
RETURNING q.user_id, q.quota_date, q.used_count
),
stored AS (INSERT INTO chat_messages (user_id, conversation_id, role, created_at, request_id)
SELECT m.user_id, NULL, 'user', CAST(m.sent_at AS timestamptz), m.request_id
  FROM unnest(:messageUserIds, CAST(:messageDays AS date[]), CAST(:requestIds AS text[]), CAST(:sentAt AS text[])) AS m(user_id, day, request_id, sent_at) JOIN counters c ON c.user_id = m.user_id AND c.quota_date = m.day
 WHERE c.used_count > 0
)
SELECT f.user_id, f.day, f.email, f.plan_code, f.plan_limit, CAST(f.granted AS integer) AS granted, f.daily_limit,
       c.used_count AS counted
  FROM facts f LEFT JOIN counters c ON c.user_id = f.user_id AND c.quota_date = f.day
