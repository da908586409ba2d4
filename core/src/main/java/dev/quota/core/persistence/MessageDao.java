package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.sqlobject.SqlObject;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/**
 * Every statement on {@code chat_messages}. The user-message insert is written once, here;
 * the hot paths' fused statements ({@link ChatPathStatement}, {@link CoalescedBatchStatements})
 * embed it.
 */
@RegisterConstructorMapper(StoredMessage.class)
public interface MessageDao extends SqlObject {

    /**
     * Stores one user message per request id, each at its own sent-at instant (text, ISO-8601),
     * when {@code guard} holds (a constant condition of the embedding statement, never caller
     * text). DO NOTHING on the request_id: a row that is already there belongs to a committed
     * earlier attempt of the same request, which the caller turns into a replay. While that
     * attempt is still in flight this INSERT waits on the unique index, which is what makes
     * concurrent duplicates charge exactly once.
     */
    static String storeUserMessages(String guard) {
        return store(":userId", "unnest(CAST(:requestIds AS text[]), CAST(:sentAt AS text[])) AS m(request_id, sent_at)", guard);
    }

    String STORE_USER_MESSAGES = storeUserMessages("true");

    /**
     * As {@link #storeUserMessages}, for messages of several users at once (group commit's
     * batch): {@code :messageUserIds} (a {@link KeyArray}) and {@code :messageDays} (date[]) give each
     * request id's user and quota day, {@code join} may join them to the embedding
     * statement's counters and {@code guard} filter on them (SQL of the embedding statement,
     * never caller text). Returns the request ids it stored, so that the batch knows which
     * callers a concurrent commit beat.
     */
    static String storeMessagesOfUsers(String join, String guard) {
        return store("m.user_id", MESSAGES_OF_USERS + join, guard);
    }

    /** The messages of a batch, from its bound arrays. */
    String MESSAGES_OF_USERS = "unnest(:messageUserIds, CAST(:messageDays AS date[]), CAST(:requestIds AS text[]),"
            + " CAST(:sentAt AS text[])) AS m(user_id, day, request_id, sent_at)";

    String STORE_MESSAGES_OF_USERS = storeMessagesOfUsers("", "true");

    /**
     * As {@link #storeMessagesOfUsers}, for request ids generated for their call: never sent
     * before, so never stored, nothing to arbitrate and nothing to return. {@code ON CONFLICT}'s
     * speculative insertion probes the unique index once more and writes one more WAL record
     * per row: about 8% of group commit's batch statement (pgbench, batches of 12,
     * docs/strategies.md).
     */
    static String storeNewMessagesOfUsers(String join, String guard) {
        return insert("m.user_id", MESSAGES_OF_USERS + join, guard);
    }

    /**
     * As {@link #STORE_MESSAGES_OF_USERS}, for {@code rows} messages given as rows of values
     * ({@code :userId0}, {@code :sentAt0}, {@code :requestId0}, …), and arbitrated by whichever
     * unique key the messages have: Citus's form ({@code CitusBatchStatements}). Citus routes
     * each row to its user's shard, where it would run an {@code INSERT … SELECT} through
     * intermediate results on the coordinator; and every unique key of a table distributed by
     * user carries the user, so a request id is unique per user, {@code (user_id, request_id)},
     * and no index on {@code (request_id)} alone can exist there.
     */
    static String storeRowsOnAnyKey(int rows) {
        return "INSERT INTO chat_messages (user_id, conversation_id, role, created_at, request_id)\nVALUES "
                + IntStream.range(0, rows)
                        .mapToObj(i -> "(:userId%1$d, :conversationId%1$d, 'user', CAST(:sentAt%1$d AS timestamptz), :requestId%1$d)".formatted(i))
                        .collect(Collectors.joining(",\n       "))
                + "\nON CONFLICT DO NOTHING\nRETURNING request_id\n";
    }

    /**
     * The conversation {@link #storeRowsOnAnyKey} stores a user's messages in. The stand-in
     * keeps no conversations, and on a stand-in whose messages are distributed by
     * conversation ({@code MessagesDistribution.BY_CONVERSATION}) Citus routes each row by it,
     * so it is known before the statement runs. One conversation a user keeps a request id
     * unique per user there too. A whole-number key is its own conversation, as
     * {@code scripts/citus/seed.sql} numbers a user's first; another key folds to 64 bits.
     */
    static long conversationOf(UserKey userId) {
        if (userId instanceof UserKey.Whole whole) {
            return whole.value();
        }
        UUID uuid = userId instanceof UserKey.Uuid key ? key.value()
                : UUID.nameUUIDFromBytes(userId.toString().getBytes(StandardCharsets.UTF_8));
        return uuid.getMostSignificantBits() ^ uuid.getLeastSignificantBits();
    }

    private static String store(String userId, String messages, String guard) {
        return insert(userId, messages, guard) + """
                ON CONFLICT (request_id) WHERE role = 'user' DO NOTHING
                RETURNING request_id
                """;
    }

    private static String insert(String userId, String messages, String guard) {
        return """
                INSERT INTO chat_messages (user_id, conversation_id, role, created_at, request_id)
                SELECT %s, NULL, 'user', CAST(m.sent_at AS timestamptz), m.request_id
                  FROM %s
                 WHERE %s
                """.formatted(userId, messages, guard);
    }

    /**
     * Those of {@code :retryIds} (text[]) already committed, as a text[] expression for a batch's
     * opening statement. The cardinality test is a one-time filter: with no retried ids (the
     * usual batch) the lookup never runs, whatever plan a prepared statement cached while the
     * table was small.
     */
    String COMMITTED_AMONG_RETRY_IDS = """
            ARRAY(SELECT m.request_id FROM chat_messages m
                   WHERE cardinality(CAST(:retryIds AS text[])) > 0
                     AND m.role = 'user' AND m.request_id = ANY(CAST(:retryIds AS text[])))""";

    /** The bound values of {@link #storeUserMessages}: every message sent at {@code sentAt}. */
    static Map<String, Object> storeValues(UserKey userId, String[] requestIds, Instant sentAt) {
        String[] at = new String[requestIds.length];
        Arrays.fill(at, sentAt.atOffset(ZoneOffset.UTC).toString());
        return Map.of("userId", userId, "requestIds", requestIds, "sentAt", at);
    }

    /** Stores the messages; returns how many were new (fewer than asked: a request id was committed before). */
    default int storeUserMessages(UserKey userId, String[] requestIds, Instant sentAt) {
        Handle handle = getHandle();
        return handle.createQuery(STORE_USER_MESSAGES).bindMap(storeValues(userId, requestIds, sentAt))
                .mapTo(String.class).list().size();
    }

    // role = 'user' lets the planner use the partial unique index: one index probe per id
    @SqlQuery("""
            SELECT id, user_id, created_at, request_id FROM chat_messages
             WHERE role = 'user' AND request_id = ANY(CAST(:requestIds AS text[]))
             ORDER BY id
            """)
    List<StoredMessage> findByRequestIds(String[] requestIds);

    @SqlQuery("SELECT EXISTS (SELECT 1 FROM chat_messages WHERE role = 'user' AND request_id = :requestId)")
    boolean requestCommitted(String requestId);
}
