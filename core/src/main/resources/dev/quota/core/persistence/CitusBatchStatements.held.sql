-- CitusBatchStatements.held.sql: rendered by FusedStatementsTest from the Java that assembles it; do not edit by hand.
-- parameters: userIds, days
SELECT h.user_id, h.quota_date, CAST(sum(h.units) AS integer) AS held
  FROM quota_holds h
 WHERE h.user_id = ANY(:userIds) AND h.quota_date = ANY(CAST(:days AS date[]))
   AND h.state = 'held' AND h.expires_at > clock_timestamp()
 GROUP BY h.user_id, h.quota_date
