-- The read contract written by hand for chat-backend.sql, as docs/read-contract.md shows:
-- a user's messages are those of the user's conversations with role 'user'.
CREATE SCHEMA IF NOT EXISTS quota;

CREATE OR REPLACE VIEW quota.accounts (user_id, email, created_at) AS
SELECT id, email, created_at FROM public.users;

CREATE OR REPLACE VIEW quota.plan_periods (user_id, plan_code, daily_message_limit, started_at, ended_at) AS
SELECT s.user_id, p.code, p.daily_message_limit, s.started_at,
       CASE WHEN s.status = 'active' THEN NULL ELSE COALESCE(s.ended_at, s.started_at) END
  FROM public.user_subscriptions s
  JOIN public.billing_plans p ON p.id = s.plan_id;

CREATE OR REPLACE VIEW quota.user_messages (user_id, created_at, request_id) AS
SELECT c.user_id, m.created_at, CAST(NULL AS text)
  FROM public.messages m
  JOIN public.conversations c ON c.id = m.conversation_id
 WHERE m.role = 'user';
