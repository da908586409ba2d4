package dev.quota.core.persistence;

import java.sql.Connection;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;

/**
 * The atomic strategy's chat path as one statement, for one round trip: read the limit
 * (the context query), consume (the counter upsert re-checks the limit under the row lock,
 * as {@link UsageDao#ADD_WITHIN_LIMIT} does), and store the messages only if the counter
 * moved. No plan (a null limit) never consumes; no row back means no such user. It is the
 * chat's hot path, so it runs as a {@link PlainStatement}.
 */
public final class ChatPathStatement {

    public static final String SQL = "WITH context AS (" + QuotaContextDao.CONTEXT + """
            ), counter AS (
                INSERT INTO user_daily_quota_usages AS q (user_id, quota_date, used_count, updated_at)
                SELECT c.user_id, :day, :units, now() FROM context c WHERE :units <= c.plan_limit + c.granted
                ON CONFLICT (user_id, quota_date) DO UPDATE
                   SET used_count = q.used_count + EXCLUDED.used_count, updated_at = EXCLUDED.updated_at
                 WHERE q.used_count + EXCLUDED.used_count <= (SELECT c.plan_limit + c.granted FROM context c)
                RETURNING used_count
            ), stored AS (
                INSERT INTO chat_messages (user_id, conversation_id, role, created_at, request_id)
                SELECT :userId, NULL, 'user', :createdAt, r
                  FROM unnest(CAST(:requestIds AS text[])) AS r
                 WHERE EXISTS (SELECT 1 FROM counter)
                ON CONFLICT (request_id) WHERE role = 'user' DO NOTHING
                RETURNING id
            )
            SELECT c.user_id, c.email, c.plan_code, c.plan_limit, CAST(c.granted AS integer) AS granted,
                   c.consumed, (SELECT used_count FROM counter) AS used_after,
                   CAST((SELECT count(*) FROM stored) AS integer) AS stored
              FROM context c
            """;

    private static final PlainStatement STATEMENT = new PlainStatement(SQL);

    private ChatPathStatement() {
    }

    /** Runs the chat path on {@code connection}, inside the caller's transaction. */
    public static Optional<ChatOutcome> accept(Connection connection, long userId, LocalDate day, int units,
                                               String[] requestIds, OffsetDateTime createdAt) {
        Map<String, Object> values = Map.of("userId", userId, "day", day, "units", units,
                "requestIds", requestIds, "createdAt", createdAt);
        return STATEMENT.queryFirst(connection, values, row -> new ChatOutcome(row.getLong("user_id"), row.getString("email"),
                row.getString("plan_code"), row.getObject("plan_limit", Integer.class), row.getInt("granted"),
                row.getInt("consumed"), row.getObject("used_after", Integer.class), row.getInt("stored")));
    }
}
