-- CitusBatchStatements.store-2.sql: rendered by FusedStatementsTest from the Java that assembles it; do not edit by hand.
-- parameters: userId0, conversationId0, sentAt0, requestId0, userId1, conversationId1, sentAt1, requestId1
INSERT INTO chat_messages (user_id, conversation_id, role, created_at, request_id)
VALUES (:userId0, :conversationId0, 'user', CAST(:sentAt0 AS timestamptz), :requestId0),
       (:userId1, :conversationId1, 'user', CAST(:sentAt1 AS timestamptz), :requestId1)
ON CONFLICT DO NOTHING
RETURNING request_id
