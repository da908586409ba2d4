-- A chat product's tables distributed as its messages' shape suggests (as issue 34 found a
-- SQLAlchemy backend's): the users, their subscriptions and their daily counters by user,
-- co-located; the conversations by their own id; the messages by conversation, co-located
-- with the conversations, and carrying no user id. The plans a reference table. No
-- statement can then join a user's messages to the user's counters: the nightly job merges
-- them (LedgerScan.MERGED). The read contract's user_messages is the DBA's view over both
-- tables, made below. Run on a Citus coordinator, in a database that has the citus
-- extension; CitusClusterTest uses it.
DROP TABLE IF EXISTS chat_messages, chat_conversations, user_daily_quota_usages, user_subscriptions, users, billing_plans CASCADE;

CREATE TABLE users (
    id          bigserial   PRIMARY KEY,
    email       text        NOT NULL,
    role        text        NOT NULL DEFAULT 'user',
    created_at  timestamptz NOT NULL DEFAULT now()
);

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

CREATE TABLE chat_conversations (
    id          bigserial   PRIMARY KEY,
    user_id     bigint      NOT NULL,
    title       text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chat_conversations_user ON chat_conversations (user_id);

CREATE TABLE chat_messages (
    id               bigserial,
    conversation_id  bigint      NOT NULL,
    role             text        NOT NULL CHECK (role IN ('user', 'assistant')),
    content          text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    request_id       text,
    PRIMARY KEY (conversation_id, id)
);
CREATE UNIQUE INDEX chat_messages_conversation_request ON chat_messages (conversation_id, request_id) WHERE role = 'user';
CREATE INDEX chat_messages_day ON chat_messages (created_at) WHERE role = 'user';

SELECT create_reference_table('billing_plans');
SELECT create_distributed_table('users', 'id');
SELECT create_distributed_table('user_subscriptions', 'user_id', colocate_with => 'users');
SELECT create_distributed_table('user_daily_quota_usages', 'user_id', colocate_with => 'users');
SELECT create_distributed_table('chat_conversations', 'id', colocate_with => 'none');
SELECT create_distributed_table('chat_messages', 'conversation_id', colocate_with => 'chat_conversations');

CREATE SCHEMA IF NOT EXISTS quota;
CREATE VIEW quota.user_messages (user_id, created_at, request_id) AS
SELECT c.user_id, m.created_at, m.request_id
  FROM chat_messages m
  JOIN chat_conversations c ON c.id = m.conversation_id
 WHERE m.role = 'user';
