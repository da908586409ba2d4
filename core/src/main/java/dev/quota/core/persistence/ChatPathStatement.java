package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The atomic strategy's chat path as one statement, for one round trip: read the limit
 * (the context query), consume (the guarded counter upsert, {@link UsageDao#addWithinLimit}),
 * and store the messages ({@link MessageDao#storeUserMessages}) only if the counter moved.
 * No plan (a null limit) never consumes; no row back means no such user. It is the chat's
 * hot path, so it runs as a {@link PlainStatement}.
 */
public final class ChatPathStatement {

    public static final String SQL = "WITH context AS (" + QuotaContextDao.CONTEXT + "), counter AS (\n"
            + UsageDao.addWithinLimit("(SELECT c.daily_limit FROM context c)") + "), stored AS (\n"
            + MessageDao.storeUserMessages("EXISTS (SELECT 1 FROM counter)") + ")\n" + """
            SELECT c.user_id, c.email, c.plan_code, c.plan_limit, CAST(c.granted AS integer) AS granted, c.daily_limit,
                   c.consumed, (SELECT used_count FROM counter) AS used_after,
                   CAST((SELECT count(*) FROM stored) AS integer) AS stored
              FROM context c
            """;

    private static final PlainStatement STATEMENT = new PlainStatement(SQL);

    private ChatPathStatement() {
    }

    /** Runs the chat path on {@code connection}, inside the caller's transaction. */
    public static Optional<ChatStatementRow> accept(Connection connection, UserKey userId, LocalDate day, int units,
                                                    String[] requestIds, Instant sentAt) {
        Map<String, Object> values = new HashMap<>(MessageDao.storeValues(userId, requestIds, sentAt));
        values.put("day", day);
        values.put("units", units);
        return STATEMENT.queryFirst(connection, values, row -> new ChatStatementRow(UserKey.fromSql(row.getObject("user_id")), row.getString("email"),
                row.getString("plan_code"), row.getObject("plan_limit", Integer.class), row.getInt("granted"),
                row.getObject("daily_limit", Integer.class), row.getInt("consumed"), row.getObject("used_after", Integer.class), row.getInt("stored")));
    }
}
