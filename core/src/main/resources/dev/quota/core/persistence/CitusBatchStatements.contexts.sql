-- CitusBatchStatements.contexts.sql: rendered by FusedStatementsTest from the Java that assembles it; do not edit by hand.
-- parameters: day, userIds
SELECT u.user_id, u.email, p.plan_code, p.daily_message_limit AS plan_limit, COALESCE(g.granted, 0) AS granted,
       effective_limit(p.daily_message_limit, COALESCE(g.granted, 0)) AS daily_limit
  FROM accounts u
  LEFT JOIN LATERAL (SELECT dg.granted FROM day_grants dg
                      WHERE dg.user_id = u.user_id AND dg.quota_date = :day AND dg.user_id = ANY(:userIds)) g ON true
  LEFT JOIN LATERAL (SELECT pp.plan_code, pp.daily_message_limit
      FROM plan_periods pp
     WHERE pp.user_id = u.user_id AND pp.user_id = ANY(:userIds)
       AND CASE WHEN false THEN pp.started_at < (CAST(NULL AS date) + 1) AT TIME ZONE 'UTC'
                               AND (pp.ended_at IS NULL OR pp.ended_at > CAST(NULL AS date) AT TIME ZONE 'UTC')
                ELSE pp.ended_at IS NULL END
     ORDER BY pp.daily_message_limit DESC
     LIMIT 1) p ON true
 WHERE u.user_id = ANY(:userIds)
