-- The stand-in's messages on Citus distributed by conversation, after stand-in-on-citus.sql,
-- in a co-location group of their own, as a product whose messages belong to conversations
-- distributes them (layouts/citus-messages-by-conversation.sql): no statement joins them to
-- the counters. The Java chat paths store a user's messages in the user's one conversation
-- (MessageDao.conversationOf), so a request id is unique per user here too. The messages keep
-- their user id: the read contract's user_messages reads it without a conversations table.
ALTER TABLE chat_messages ALTER COLUMN conversation_id SET NOT NULL;
ALTER TABLE chat_messages DROP CONSTRAINT chat_messages_pkey, ADD PRIMARY KEY (conversation_id, id);
DROP INDEX chat_messages_user_request;
CREATE UNIQUE INDEX chat_messages_user_request ON chat_messages (conversation_id, request_id) WHERE role = 'user';
SELECT create_distributed_table('chat_messages', 'conversation_id', colocate_with => 'none');
