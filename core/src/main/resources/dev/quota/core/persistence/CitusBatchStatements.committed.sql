-- CitusBatchStatements.committed.sql: rendered by FusedStatementsTest from the Java that assembles it; do not edit by hand.
-- parameters: userIds, conversationIds, retryIds
SELECT m.user_id, m.request_id FROM chat_messages m
 WHERE m.role = 'user' AND m.user_id = ANY(:userIds) AND m.conversation_id = ANY(CAST(:conversationIds AS bigint[]))
   AND m.request_id = ANY(CAST(:retryIds AS text[]))
