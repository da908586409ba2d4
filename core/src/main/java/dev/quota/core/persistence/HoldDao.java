package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** The holds table as support reads and releases it; the SQL API's functions are the backend's way in. */
@RegisterRowMapper(HoldDao.Rows.class)
public interface HoldDao {

    /** A hold's columns as {@link HoldRow} reads them; expiry is judged on the database's clock. */
    String COLUMNS = """
            request_id, units, state, state = 'held' AND expires_at <= now() AS expired, units_used, charged_units, code,
                   created_at, expires_at, finished_at, released_by, release_reason""";

    /**
     * Which of {@code h}'s holds count against their day's limit now, as {@code quota.held_units}
     * counts them (held_units.sql: expiry by {@code clock_timestamp()}, read after any lock
     * wait): for the statements that cannot call the function per row, a multi-shard query on
     * Citus running no distributed query inside a shard's ({@code CitusBatchStatementsTest}
     * holds the two to one answer).
     */
    String HELD_NOW = "h.state = 'held' AND h.expires_at > clock_timestamp()";

    /** The units held now, every user and day together: what the simulator waits to see drop to 0 after its last hold's TTL. */
    @SqlQuery("SELECT CAST(COALESCE(sum(h.units), 0) AS bigint) FROM quota_holds h WHERE " + HELD_NOW)
    long unitsHeldNow();

    /** A user's holds taken on {@code day}, oldest first: read as plain JDBC by {@link #forDay}. */
    String FOR_DAY = "SELECT " + COLUMNS + """

              FROM quota_holds
             WHERE user_id = :user AND quota_date = :day
             ORDER BY created_at, request_id""";

    /** The statement of {@link #FOR_DAY}, for a one-shot read that configures no Jdbi. */
    PlainStatement FOR_DAY_STATEMENT = new PlainStatement(FOR_DAY);

    static List<HoldRow> forDay(Connection connection, UserKey user, LocalDate day) {
        return FOR_DAY_STATEMENT.list(connection, Map.of("user", user, "day", day), HoldDao::row);
    }

    /** A hold's row of {@link #COLUMNS}, as every statement here returns it. */
    static HoldRow row(ResultSet rs) throws SQLException {
        return new HoldRow(rs.getString("request_id"), rs.getInt("units"), rs.getString("state"), rs.getBoolean("expired"),
                rs.getObject("units_used", Integer.class), rs.getObject("charged_units", Integer.class), rs.getString("code"),
                PlainStatement.instant(rs, "created_at"), PlainStatement.instant(rs, "expires_at"), PlainStatement.instant(rs, "finished_at"),
                rs.getString("released_by"), rs.getString("release_reason"));
    }

    /** The holds support released by hand ({@code quota release}) on the days from {@code from} to {@code to}: their audit trail. */
    String RELEASED_BY_HAND = "SELECT " + COLUMNS + """

              FROM quota_holds
             WHERE user_id = :user AND quota_date BETWEEN :from AND :to AND released_by IS NOT NULL
             ORDER BY finished_at, request_id""";

    /** The statement of {@link #RELEASED_BY_HAND}, for a one-shot read that configures no Jdbi. */
    PlainStatement RELEASED_BY_HAND_STATEMENT = new PlainStatement(RELEASED_BY_HAND);

    static List<HoldRow> releasedByHand(Connection connection, UserKey user, LocalDate from, LocalDate to) {
        return RELEASED_BY_HAND_STATEMENT.list(connection, Map.of("user", user, "from", from, "to", to), HoldDao::row);
    }

    /** One hold of a user, whatever its day. */
    @SqlQuery("SELECT " + COLUMNS + """

              FROM quota_holds
             WHERE user_id = :user AND request_id = :requestId
               FOR UPDATE""")
    Optional<HoldRow> lockOne(UserKey user, String requestId);

    /** Releases an open hold by hand, recording who and why on it. */
    @SqlQuery("""
            UPDATE quota_holds SET state = 'released', finished_at = now(), released_by = :actor, release_reason = :reason
             WHERE user_id = :user AND request_id = :requestId AND state = 'held'
            RETURNING """ + " " + COLUMNS)
    HoldRow release(UserKey user, String requestId, String actor, String reason);

    /** Jdbi's mapper of the holds' rows: {@link #row}, so that both ways read a row alike. */
    final class Rows implements RowMapper<HoldRow> {
        @Override
        public HoldRow map(ResultSet rs, StatementContext ctx) throws SQLException {
            return row(rs);
        }
    }
}
