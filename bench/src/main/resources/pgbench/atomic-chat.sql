-- The atomic strategy's chat path, statement for statement, as pgbench runs it: the
-- context read, the guarded upsert of the counter and the message insert, in one
-- transaction. Variables: :users (1 for hot), :lim, and :dist chooses the draw.
\if :dist = 2
\set uid random_zipfian(1, :users, 1.1)
\else
\set uid random(1, :users)
\endif
BEGIN;
SELECT u.id AS user_id, u.email, p.code AS plan_code, p.daily_message_limit AS plan_limit,
       COALESCE((SELECT sum(a.applied_delta) FROM quota_adjustments a
                  WHERE a.user_id = u.id AND a.quota_date = CURRENT_DATE AND a.kind = 'grant'), 0) AS granted,
       COALESCE((SELECT q.used_count FROM user_daily_quota_usages q
                  WHERE q.user_id = u.id AND q.quota_date = CURRENT_DATE), 0) AS consumed
  FROM users u
  LEFT JOIN user_subscriptions s ON s.user_id = u.id AND s.status = 'active'
  LEFT JOIN billing_plans p ON p.id = s.plan_id
 WHERE u.id = :uid;
INSERT INTO user_daily_quota_usages AS q (user_id, quota_date, used_count, updated_at)
SELECT :uid, CURRENT_DATE, 1, now()
 WHERE 1 <= :lim
ON CONFLICT (user_id, quota_date) DO UPDATE
   SET used_count = q.used_count + EXCLUDED.used_count, updated_at = EXCLUDED.updated_at
 WHERE q.used_count + EXCLUDED.used_count <= :lim
RETURNING used_count;
INSERT INTO chat_messages (user_id, conversation_id, role, created_at, request_id)
SELECT :uid, NULL, 'user', now(), r
  FROM unnest(ARRAY[gen_random_uuid()::text]) AS r
ON CONFLICT (request_id) WHERE role = 'user' DO NOTHING
RETURNING id;
COMMIT;
