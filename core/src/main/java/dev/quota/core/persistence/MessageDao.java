package dev.quota.core.persistence;

import java.time.OffsetDateTime;
import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/**
 * The statements on {@code chat_messages}, but for the hot paths' fused ones
 * ({@link ChatPathStatement}, {@link CoalescedBatchStatements}).
 */
@RegisterConstructorMapper(StoredMessage.class)
public interface MessageDao {

    // DO NOTHING on the request_id: a row that is already there belongs to a committed
    // earlier attempt of the same request, which the caller turns into a replay. While that
    // attempt is still in flight this INSERT waits on the unique index, which is what makes
    // concurrent duplicates charge exactly once.
    @SqlQuery("""
            INSERT INTO chat_messages (user_id, conversation_id, role, created_at, request_id)
            SELECT :userId, :conversationId, 'user', :createdAt, r
              FROM unnest(CAST(:requestIds AS text[])) AS r
            ON CONFLICT (request_id) WHERE role = 'user' DO NOTHING
            RETURNING id
            """)
    List<Long> insertUserMessages(@Bind("userId") long userId, @Bind("conversationId") Long conversationId,
                                  @Bind("createdAt") OffsetDateTime createdAt, @Bind("requestIds") String[] requestIds);

    // role = 'user' lets the planner use the partial unique index: one index probe per id
    @SqlQuery("""
            SELECT id, user_id, created_at, request_id FROM chat_messages
             WHERE role = 'user' AND request_id = ANY(CAST(:requestIds AS text[]))
             ORDER BY id
            """)
    List<StoredMessage> findByRequestIds(@Bind("requestIds") String[] requestIds);

    @SqlQuery("SELECT EXISTS (SELECT 1 FROM chat_messages WHERE role = 'user' AND request_id = :requestId)")
    boolean requestCommitted(@Bind("requestId") String requestId);
}
