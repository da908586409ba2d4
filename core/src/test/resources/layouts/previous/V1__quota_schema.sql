-- The tables the chat backend owns, with the names it uses, so that the toolkit can be
-- pointed at that backend's database. Every quota rule is enforced by code that runs in
-- the same transaction as these rows; the constraints here are the last line of defence.

CREATE TABLE users (
    id          bigserial   PRIMARY KEY,
    email       text        NOT NULL UNIQUE,
    role        text        NOT NULL DEFAULT 'user',
    created_at  timestamptz NOT NULL DEFAULT now()
);
-- support staff type emails in any case; lookups compare lower-cased
CREATE INDEX users_email_lower ON users (lower(email));

CREATE TABLE billing_plans (
    id                   bigserial PRIMARY KEY,
    code                 text      NOT NULL UNIQUE,
    display_name         text      NOT NULL,
    daily_message_limit  integer   NOT NULL CHECK (daily_message_limit > 0),
    is_active            boolean   NOT NULL DEFAULT true
);

CREATE TABLE user_subscriptions (
    id          bigserial   PRIMARY KEY,
    user_id     bigint      NOT NULL REFERENCES users (id),
    plan_id     bigint      NOT NULL REFERENCES billing_plans (id),
    status      text        NOT NULL CHECK (status IN ('active', 'canceled', 'past_due')),
    started_at  timestamptz NOT NULL DEFAULT now(),
    ended_at    timestamptz,
    CHECK (ended_at IS NULL OR ended_at >= started_at)
);
-- a user has at most one active subscription: the one whose plan gives the daily limit
CREATE UNIQUE INDEX user_subscriptions_one_active ON user_subscriptions (user_id) WHERE status = 'active';
CREATE INDEX user_subscriptions_user ON user_subscriptions (user_id, started_at);

CREATE TABLE user_daily_quota_usages (
    id          bigserial   PRIMARY KEY,
    user_id     bigint      NOT NULL REFERENCES users (id),
    quota_date  date        NOT NULL,
    used_count  integer     NOT NULL DEFAULT 0 CHECK (used_count >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_daily_quota_usages_user_day UNIQUE (user_id, quota_date)
);
CREATE INDEX user_daily_quota_usages_day ON user_daily_quota_usages (quota_date, user_id);

CREATE TABLE chat_messages (
    id               bigserial   PRIMARY KEY,
    user_id          bigint      NOT NULL REFERENCES users (id),
    conversation_id  bigint,
    role             text        NOT NULL CHECK (role IN ('user', 'assistant')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    request_id       text
);
-- One user message per request: the key that makes a client's retry idempotent.
-- Assistant replies may carry the request_id of the message they answer, so only
-- user rows are unique.
CREATE UNIQUE INDEX chat_messages_user_request ON chat_messages (request_id) WHERE role = 'user';
-- only user messages count against the quota: per-user-per-day counting reads this index
CREATE INDEX chat_messages_user_day ON chat_messages (user_id, created_at) WHERE role = 'user';

CREATE TABLE quota_adjustments (
    id             bigserial   PRIMARY KEY,
    user_id        bigint      NOT NULL REFERENCES users (id),
    quota_date     date        NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('grant', 'refund', 'charge', 'reset', 'set', 'reconcile')),
    requested      integer     NOT NULL,
    applied_delta  integer     NOT NULL,
    reason         text        NOT NULL CHECK (btrim(reason) <> ''),
    actor          text        NOT NULL CHECK (btrim(actor) <> ''),
    request_id     text,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quota_adjustments_user_day ON quota_adjustments (user_id, quota_date);
-- a retried adjustment (same request_id) is applied once
CREATE UNIQUE INDEX quota_adjustments_request ON quota_adjustments (request_id) WHERE request_id IS NOT NULL;
