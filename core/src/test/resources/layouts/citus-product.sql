-- A chat product's tables made ready for Citus by the product team, as docs/scaling.md
-- describes (and as issue 22 found them): every primary and unique key carries the user,
-- the users and everything per user distributed by user and co-located, the plans a
-- reference table. The names and columns are the default layout's (the stand-in's), so the
-- read contract's default views apply. Run on a Citus coordinator, in a database that has
-- the citus extension. The Citus tests (QUOTA_CITUS_URL) and scripts/citus/tour use it.
DROP TABLE IF EXISTS chat_messages, user_daily_quota_usages, user_subscriptions, users, billing_plans CASCADE;

CREATE TABLE users (
    id          bigserial   PRIMARY KEY,
    email       text        NOT NULL,
    role        text        NOT NULL DEFAULT 'user',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_email_lower ON users (lower(email));

CREATE TABLE billing_plans (
    id                   bigserial PRIMARY KEY,
    code                 text      NOT NULL UNIQUE,
    display_name         text      NOT NULL,
    daily_message_limit  integer   NOT NULL CHECK (daily_message_limit > 0),
    is_active            boolean   NOT NULL DEFAULT true
);

CREATE TABLE user_subscriptions (
    id          bigserial,
    user_id     bigint      NOT NULL,
    plan_id     bigint      NOT NULL,
    status      text        NOT NULL CHECK (status IN ('active', 'canceled', 'past_due')),
    started_at  timestamptz NOT NULL DEFAULT now(),
    ended_at    timestamptz,
    PRIMARY KEY (user_id, id)
);
CREATE UNIQUE INDEX user_subscriptions_one_active ON user_subscriptions (user_id) WHERE status = 'active';

CREATE TABLE user_daily_quota_usages (
    id          bigserial,
    user_id     bigint      NOT NULL,
    quota_date  date        NOT NULL,
    used_count  integer     NOT NULL DEFAULT 0 CHECK (used_count >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, id),
    CONSTRAINT user_daily_quota_usages_user_day UNIQUE (user_id, quota_date)
);
CREATE INDEX user_daily_quota_usages_day ON user_daily_quota_usages (quota_date, user_id);

CREATE TABLE chat_messages (
    id               bigserial   ,
    user_id          bigint      NOT NULL,
    conversation_id  bigint,
    role             text        NOT NULL CHECK (role IN ('user', 'assistant')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    request_id       text,
    PRIMARY KEY (user_id, id)
);
CREATE UNIQUE INDEX chat_messages_user_request ON chat_messages (user_id, request_id) WHERE role = 'user';
CREATE INDEX chat_messages_user_day ON chat_messages (user_id, created_at) WHERE role = 'user';
CREATE INDEX chat_messages_day_user ON chat_messages (created_at, user_id) WHERE role = 'user';

SELECT create_reference_table('billing_plans');
SELECT create_distributed_table('users', 'id');
SELECT create_distributed_table('user_subscriptions', 'user_id', colocate_with => 'users');
SELECT create_distributed_table('user_daily_quota_usages', 'user_id', colocate_with => 'users');
SELECT create_distributed_table('chat_messages', 'user_id', colocate_with => 'users');
