package dev.quota.core.persistence;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.ColonPrefixSqlParser;
import org.jdbi.v3.core.statement.ParsedSql;

/**
 * The atomic strategy's chat path as one statement, for one round trip: read the limit
 * (the context query), consume (the counter upsert re-checks the limit under the row lock,
 * as UsageDao.addWithinLimit does), and store the messages only if the counter moved. No
 * plan (a null limit) never consumes; no row back means no such user.
 *
 * <p>It runs as plain JDBC rather than through a SqlObject: it is the chat's hot path, and
 * profiling (docs/bench.md) found Jdbi's per-call argument binding and row-mapper lookup
 * costing the client more CPU than pgjdbc's own work, CPU that PostgreSQL needs when both
 * share a small machine. The SQL is still written once, with named parameters, and
 * translated to positional ones when the class loads.
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

    private static final ParsedSql PARSED = new ColonPrefixSqlParser().parse(SQL, null);

    private ChatPathStatement() {
    }

    /** Runs the chat path on {@code connection}, inside the caller's transaction. */
    public static Optional<ChatOutcome> accept(Connection connection, long userId, LocalDate day, int units,
                                               String[] requestIds, OffsetDateTime createdAt) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(PARSED.getSql())) {
            Array ids = connection.createArrayOf("text", requestIds);
            List<String> names = PARSED.getParameters().getParameterNames();
            for (int i = 0; i < names.size(); i++) {
                int index = i + 1;
                switch (names.get(i)) {
                    case "userId" -> statement.setLong(index, userId);
                    case "day" -> statement.setObject(index, day);
                    case "units" -> statement.setInt(index, units);
                    case "requestIds" -> statement.setArray(index, ids);
                    case "createdAt" -> statement.setObject(index, createdAt);
                    default -> throw new IllegalStateException("the chat path has no value for :" + names.get(i));
                }
            }
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new ChatOutcome(row.getLong("user_id"), row.getString("email"), row.getString("plan_code"),
                        row.getObject("plan_limit", Integer.class), row.getInt("granted"), row.getInt("consumed"),
                        row.getObject("used_after", Integer.class), row.getInt("stored")));
            }
        }
    }
}
