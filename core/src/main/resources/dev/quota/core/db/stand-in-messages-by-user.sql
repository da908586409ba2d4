-- The stand-in's messages on Citus distributed by user, co-located with the users and their
-- counters, after stand-in-on-citus.sql: a request id is unique per user.
ALTER TABLE chat_messages DROP CONSTRAINT chat_messages_pkey, ADD PRIMARY KEY (user_id, id);
DROP INDEX chat_messages_user_request;
CREATE UNIQUE INDEX chat_messages_user_request ON chat_messages (user_id, request_id) WHERE role = 'user';
SELECT create_distributed_table('chat_messages', 'user_id', colocate_with => 'users');
