package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;

/**
 * The reads a user's day is resolved from ({@link QuotaContextDao}'s statements), run as plain
 * JDBC on a connection: the one way every use case reads them, a one-shot support command
 * without Jdbi, a use case inside its handle's transaction on the handle's connection.
 */
public final class QuotaContextReads {

    private static final PlainStatement USER_BY_EMAIL = new PlainStatement(QuotaContextDao.USER_BY_EMAIL);
    private static final PlainStatement CONTEXT = new PlainStatement(QuotaContextDao.CONTEXT);
    private static final PlainStatement FINISHED_DAY_CONTEXT = new PlainStatement(QuotaContextDao.FINISHED_DAY_CONTEXT);

    private QuotaContextReads() {
    }

    /** The key of the user with this email, compared without case. */
    public static Optional<UserKey> userIdByEmail(Connection connection, String email) {
        return USER_BY_EMAIL.queryFirst(connection, Map.of("email", email), row -> UserKey.fromSql(row.getObject(1)));
    }

    /** The user's facts on today or a later day: the active plan ({@link QuotaContextDao#CONTEXT}). */
    public static Optional<QuotaContext> context(Connection connection, UserKey userId, LocalDate day) {
        return CONTEXT.queryFirst(connection, Map.of("userId", userId, "day", day), QuotaContextReads::context);
    }

    /** The user's facts on a finished day: the plan that covered it ({@link QuotaContextDao#FINISHED_DAY_CONTEXT}). */
    public static Optional<QuotaContext> finishedDayContext(Connection connection, UserKey userId, LocalDate day) {
        return FINISHED_DAY_CONTEXT.queryFirst(connection, Map.of("userId", userId, "day", day), QuotaContextReads::context);
    }

    private static QuotaContext context(ResultSet row) throws SQLException {
        return new QuotaContext(UserKey.fromSql(row.getObject("user_id")), row.getString("email"), row.getString("plan_code"),
                row.getObject("plan_limit", Integer.class), row.getInt("granted"), row.getObject("daily_limit", Integer.class),
                row.getInt("consumed"));
    }
}
