-- The user messages of each UTC day on the conversation layout's own tables, written by
-- hand (no view): scripts/bench-reconcile puts it in place of the view user_messages in the
-- job's scan, counted in one query, to measure what the read contract's view costs. The
-- plan, the grants and the drift rule stay the toolkit's. Positional parameters: from, to
-- (dates), then {key_range}'s four (on user_id).
SELECT c.user_id, CAST(m.created_at AT TIME ZONE 'UTC' AS date) AS quota_date, count(*) AS messages
  FROM public.messages m
  JOIN public.conversations c ON c.id = m.conversation_id
 WHERE m.role = 'user'
   AND m.created_at >= CAST(? AS date) AT TIME ZONE 'UTC'
   AND m.created_at < (CAST(? AS date) + 1) AT TIME ZONE 'UTC'
   AND {key_range}
 GROUP BY 1, 2
