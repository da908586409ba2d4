-- The read contract written by hand for fastapi-template.sql: the template's `user` table
-- (a reserved word, hence quoted), the product's plans and its messages owned by a user.
CREATE SCHEMA IF NOT EXISTS quota;

CREATE OR REPLACE VIEW quota.accounts (user_id, email, created_at) AS
SELECT id, email, COALESCE(created_at, '-infinity') FROM public."user";

CREATE OR REPLACE VIEW quota.plan_periods (user_id, plan_code, daily_message_limit, started_at, ended_at) AS
SELECT s.user_id, p.code, p.daily_message_limit, s.started_at,
       CASE WHEN s.is_active THEN NULL ELSE COALESCE(s.ended_at, s.started_at) END
  FROM public.subscription s
  JOIN public.plan p ON p.id = s.plan_id;

CREATE OR REPLACE VIEW quota.user_messages (user_id, created_at, request_id) AS
SELECT owner_id, created_at, CAST(request_id AS text)
  FROM public.chatmessage
 WHERE role = 'user';
