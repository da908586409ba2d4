-- The conversation layout (core/src/test/resources/layouts/chat-backend.sql) at the
-- product's scale, for scripts/bench-reconcile --layout chat-backend: 142,858 users over
-- the 7 days ending yesterday (UTC), about 10 million messages of which 9 in 10 are the
-- users', counters that match the log, then about 0.1% of the counters made to drift.
-- Deterministic: every count comes from a hash of (user, day), no random().
INSERT INTO billing_plans (code, name, daily_message_limit, price_cents, is_active)
VALUES ('free', 'Free', 20, 0, true), ('plus', 'Plus', 200, 900, true), ('pro', 'Pro', 1000, 2900, true);

INSERT INTO users (email, hashed_password, role, is_active, created_at)
SELECT 'user' || g || '@example.com', 'x', 'user', true, now() - interval '90 days'
  FROM generate_series(1, 142858) g;

-- one user in fifty has no subscription (and sends nothing); the others are on a plan by id
INSERT INTO user_subscriptions (user_id, plan_id, status, started_at)
SELECT id, CASE WHEN id % 20 < 14 THEN 1 WHEN id % 20 < 19 THEN 2 ELSE 3 END, 'active', now() - interval '60 days'
  FROM users WHERE id % 50 <> 0;

INSERT INTO conversations (user_id, title, created_at)
SELECT u.id, 'conversation ' || k, now() - interval '60 days' FROM users u, generate_series(1, 2) k ORDER BY u.id, k;

-- per user and day, 0..21 rows; every tenth an assistant reply
INSERT INTO messages (conversation_id, role, content, created_at)
SELECT 2 * u.id - (g % 2),
       CASE WHEN g % 10 = 0 THEN 'assistant' ELSE 'user' END,
       'hello',
       (CAST(now() AT TIME ZONE 'UTC' AS date) - 7 + d) AT TIME ZONE 'UTC' + ((g * 37) % 1440) * interval '1 minute'
  FROM users u
 CROSS JOIN generate_series(0, 6) d
 CROSS JOIN LATERAL generate_series(1, CAST(((u.id * 7 + d) * 2654435761) % 22 AS integer)) g
 WHERE u.id % 50 <> 0;

INSERT INTO user_daily_quota_usages (user_id, quota_date, used_count, updated_at)
SELECT c.user_id, CAST(m.created_at AT TIME ZONE 'UTC' AS date), count(*), now()
  FROM messages m JOIN conversations c ON c.id = m.conversation_id
 WHERE m.role = 'user'
 GROUP BY 1, 2;

-- drift: over-counted, under-counted, missing counters
UPDATE user_daily_quota_usages SET used_count = used_count + 2
 WHERE (user_id * 31 + (quota_date - DATE '2000-01-01')) % 2000 = 1;
UPDATE user_daily_quota_usages SET used_count = used_count - 1
 WHERE used_count > 0 AND (user_id * 31 + (quota_date - DATE '2000-01-01')) % 2000 = 2;
DELETE FROM user_daily_quota_usages
 WHERE (user_id * 31 + (quota_date - DATE '2000-01-01')) % 5000 = 3;

ANALYZE;
