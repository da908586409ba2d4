package dev.quota.core.db;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.StatementException;

/**
 * Classifies database failures by SQLSTATE into the toolkit's error codes: the one place
 * that knows which PostgreSQL errors mean "try again", "the database is gone" or "the
 * schema is not what we expect".
 */
public final class SqlStates {

    public static final String SERIALIZATION_FAILURE = "40001";
    public static final String DEADLOCK_DETECTED = "40P01";
    public static final String LOCK_NOT_AVAILABLE = "55P03";
    public static final String QUERY_CANCELED = "57014";
    public static final String UNDEFINED_TABLE = "42P01";
    public static final String UNDEFINED_COLUMN = "42703";
    public static final String INSUFFICIENT_PRIVILEGE = "42501";
    /** A write in a read-only transaction: on a hot standby, every write. */
    public static final String READ_ONLY_SQL_TRANSACTION = "25006";
    /** A statement the server cannot plan or run: Citus answers its planner's refusals with it. */
    public static final String FEATURE_NOT_SUPPORTED = "0A000";

    private SqlStates() {
    }

    public static Optional<String> sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return Optional.of(sql.getSQLState());
            }
        }
        return Optional.empty();
    }

    /** Serialization failures and deadlocks: the transaction did nothing and may be retried whole. */
    public static boolean isRetryableConflict(Throwable failure) {
        return sqlState(failure).filter(s -> s.equals(SERIALIZATION_FAILURE) || s.equals(DEADLOCK_DETECTED)).isPresent();
    }

    /**
     * Runs {@code work} at a service's edge: a database failure comes out as the toolkit's
     * error ({@link #translate}), once, whatever depth it was raised at.
     */
    public static <T> T translated(Supplier<T> work) {
        try {
            return work.get();
        } catch (QuotaException | JdbiException e) {
            throw translate(e);
        }
    }

    /** The error a caller sees for a failed database call; a {@link QuotaException} passes through. */
    public static QuotaException translate(Throwable failure) {
        if (failure instanceof QuotaException quota) {
            return quota;
        }
        String state = sqlState(failure).orElse("");
        String detail = rootMessage(failure);
        if (state.equals(LOCK_NOT_AVAILABLE) || state.equals(QUERY_CANCELED)
                || state.equals(SERIALIZATION_FAILURE) || state.equals(DEADLOCK_DETECTED)) {
            return new QuotaException(ErrorCode.CONTENTION_TIMEOUT,
                    "the database did not grant the change in time (" + detail + "); nothing was changed, retry later",
                    Map.of("sql_state", state), null, failure);
        }
        if (state.equals(READ_ONLY_SQL_TRANSACTION)) {
            return ServerRole.readOnly(detail, failure);
        }
        if (state.equals(UNDEFINED_TABLE) || state.equals(UNDEFINED_COLUMN)) {
            return new QuotaException(ErrorCode.SCHEMA_MISMATCH,
                    "the database does not match the quota toolkit (" + detail + "); run 'quota db check'",
                    Map.of("sql_state", state), null, failure);
        }
        if (state.equals(FEATURE_NOT_SUPPORTED)) {
            return unsupported(failure, detail);
        }
        if (state.equals(INSUFFICIENT_PRIVILEGE)) {
            // PostgreSQL names the object ("permission denied for table user_daily_quota_usages")
            return new QuotaException(ErrorCode.PERMISSION_DENIED, detail
                    + "; 'quota db grants --role NAME' prints the grants each kind of role needs",
                    Map.of("sql_state", state), null, failure);
        }
        if (isPoolTimeout(failure) && !isConnectionFailure(state)) {
            return new QuotaException(ErrorCode.CONTENTION_TIMEOUT,
                    "no database connection became free in time (" + detail + "); nothing was changed, retry later",
                    Map.of(), null, failure);
        }
        if (isConnectionFailure(state) || isPoolTimeout(failure) || state.isEmpty()) {
            return new QuotaException(ErrorCode.DATABASE_UNAVAILABLE,
                    "database unavailable: " + detail, state.isEmpty() ? Map.of() : Map.of("sql_state", state), null, failure);
        }
        return new QuotaException(ErrorCode.INVALID_QUOTA_STATE,
                "the database refused the change: " + detail, Map.of("sql_state", state), null, failure);
    }

    /** What the server refused to run, named with the statement the toolkit sent (Jdbi keeps it). */
    private static QuotaException unsupported(Throwable failure, String detail) {
        String statement = null;
        for (Throwable t = failure; t != null && statement == null; t = t.getCause()) {
            if (t instanceof StatementException jdbi && jdbi.getStatementContext() != null) {
                statement = jdbi.getStatementContext().getRenderedSql();
            }
        }
        Map<String, Object> details = statement == null
                ? Map.of("sql_state", FEATURE_NOT_SUPPORTED, "database_message", detail)
                : Map.of("sql_state", FEATURE_NOT_SUPPORTED, "database_message", detail, "statement", statement.strip());
        String first = statement == null ? "" : " in: " + abbreviate(statement.strip().lines().findFirst().orElse(""));
        return new QuotaException(ErrorCode.UNSUPPORTED_BY_DATABASE, "the database cannot run the toolkit's statement ("
                + detail + ")" + first + "; nothing was changed (-o json shows the whole statement)", details, null, failure);
    }

    private static String abbreviate(String line) {
        return line.length() <= 80 ? line : line.substring(0, 77) + "...";
    }

    /** Connection exceptions (08), auth (28), unknown database (3D000), shutdowns and crashes (57P0x). */
    private static boolean isConnectionFailure(String state) {
        return state.startsWith("08") || state.startsWith("28") || state.equals("3D000")
                || state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
    }

    private static boolean isPoolTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable failure) {
        Throwable deepest = failure;
        String message = failure.getMessage();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            deepest = t;
            if (t instanceof SQLException && t.getMessage() != null) {
                message = t.getMessage();
                break;
            }
        }
        if (message == null) {
            message = deepest.getClass().getSimpleName();
        }
        return message.lines().findFirst().orElse(message).strip();
    }
}
