-- Run after citus-product.sql: the same product, its messages distributed as their shape
-- suggests (as issue 34 found a SQLAlchemy backend's). The users, their subscriptions and
-- their daily counters stay distributed by user; the conversations are distributed by their
-- own id; the messages by conversation, co-located with the conversations, and carry no user
-- id. No statement can then join a user's messages to the user's counters: the nightly job
-- merges them (LedgerScan.MERGED). The read contract's user_messages is the DBA's view over
-- both tables, made below. CitusClusterTest and scripts/citus/measure use it.
DROP TABLE IF EXISTS chat_messages, chat_conversations CASCADE;

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

SELECT create_distributed_table('chat_conversations', 'id', colocate_with => 'none');
SELECT create_distributed_table('chat_messages', 'conversation_id', colocate_with => 'chat_conversations');

CREATE SCHEMA IF NOT EXISTS quota;
CREATE VIEW quota.user_messages (user_id, created_at, request_id) AS
SELECT c.user_id, m.created_at, m.request_id
  FROM chat_messages m
  JOIN chat_conversations c ON c.id = m.conversation_id
 WHERE m.role = 'user';
