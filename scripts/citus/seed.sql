-- Seeds a product database of either Citus layout (core/src/test/resources/layouts/) for
-- scripts/citus/measure-scan: :users users on one plan (limit 100), three conversations each,
-- :per_day user messages a day per user over the :days days before today, every counter
-- equal to its messages; then drift planted on the first seeded day: one user in 1,000
-- over-counted by 2, one in 2,000 without a counter. The layout is told by :by_conversation
-- (on or off): the messages carry the user, or only their conversation.
\set ON_ERROR_STOP on
INSERT INTO billing_plans (code, display_name, daily_message_limit) VALUES ('pro', 'Pro', 100);
INSERT INTO users (id, email) SELECT g, 'user' || g || '@example.com' FROM generate_series(1, :users) g;
INSERT INTO user_subscriptions (user_id, plan_id, status, started_at)
SELECT g, (SELECT id FROM billing_plans WHERE code = 'pro'), 'active', now() - interval '90 days' FROM generate_series(1, :users) g;
\if :by_conversation
INSERT INTO chat_conversations (id, user_id) SELECT g, 1 + (g - 1) % :users FROM generate_series(1, 3 * :users) g;
INSERT INTO chat_messages (conversation_id, role, created_at, request_id)
SELECT 1 + (g - 1) % (3 * :users), 'user',
       CAST(current_date - d AS timestamp) AT TIME ZONE 'UTC' + (g % 86000) * interval '1 second', 'r' || d || '-' || g
  FROM generate_series(1, :days) d, generate_series(1, :per_day * :users) g;
INSERT INTO user_daily_quota_usages (user_id, quota_date, used_count)
SELECT c.user_id, CAST(m.created_at AT TIME ZONE 'UTC' AS date), count(*)
  FROM chat_messages m JOIN chat_conversations c ON c.id = m.conversation_id
 GROUP BY 1, 2;
\else
INSERT INTO chat_messages (user_id, role, created_at, request_id)
SELECT 1 + (g - 1) % :users, 'user',
       CAST(current_date - d AS timestamp) AT TIME ZONE 'UTC' + (g % 86000) * interval '1 second', 'r' || d || '-' || g
  FROM generate_series(1, :days) d, generate_series(1, :per_day * :users) g;
INSERT INTO user_daily_quota_usages (user_id, quota_date, used_count)
SELECT user_id, CAST(created_at AT TIME ZONE 'UTC' AS date), count(*) FROM chat_messages GROUP BY 1, 2;
\endif
UPDATE user_daily_quota_usages SET used_count = used_count + 2 WHERE user_id % 1000 = 7 AND quota_date = current_date - :days;
DELETE FROM user_daily_quota_usages WHERE user_id % 2000 = 11 AND quota_date = current_date - :days;
ANALYZE;
