-- A stand-in for the chat product's own tables, as its backend creates them (see
-- ../shared/product-spec-quota-story.txt): the embedded default, the demo, the simulator,
-- the bench and the tests run on it. On the product's real database these tables already
-- exist, made by its own migrations; the toolkit never creates or alters them there, and
-- reads them only through the views of its read contract (docs/read-contract.md).

-- Users are keyed by bigint by default, or by uuid (the FastAPI full-stack template's
-- choice) or text ids (an identity provider's subjects): StandIn fills in the placeholders.
CREATE TABLE users (
    id          ${user_id_column},
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
    user_id     ${user_key}      NOT NULL REFERENCES users (id),
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
    user_id     ${user_key}      NOT NULL REFERENCES users (id),
    quota_date  date        NOT NULL,
    used_count  integer     NOT NULL DEFAULT 0 CHECK (used_count >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_daily_quota_usages_user_day UNIQUE (user_id, quota_date)
);
CREATE INDEX user_daily_quota_usages_day ON user_daily_quota_usages (quota_date, user_id);

CREATE TABLE chat_messages (
    id               bigserial   PRIMARY KEY,
    user_id          ${user_key}      NOT NULL REFERENCES users (id),
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
-- the reconciler scans a day range of user messages; by time, then user
CREATE INDEX chat_messages_day_user ON chat_messages (created_at, user_id) WHERE role = 'user';
