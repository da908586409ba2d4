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

/** Every statement on {@code quota_adjustments}, the audit trail. */
@RegisterRowMapper(AdjustmentDao.Rows.class)
public interface AdjustmentDao {

    // DO NOTHING on the user's request_id: a retried adjustment finds its first application
    // here and is answered from it instead of being applied twice. Request ids are per user.
    @SqlQuery("""
            INSERT INTO quota_adjustments (user_id, quota_date, kind, requested, applied_delta, reason, actor, request_id, created_at)
            VALUES (:userId, :day, :kind, :requested, :appliedDelta, :reason, :actor, :requestId, now())
            ON CONFLICT (user_id, request_id) WHERE request_id IS NOT NULL DO NOTHING
            RETURNING id, user_id, quota_date, kind, requested, applied_delta, reason, actor, request_id, created_at
            """)
    Optional<AdjustmentRow> insert(UserKey userId, LocalDate day, String kind, int requested, int appliedDelta, String reason,
                                   String actor, String requestId);

    @SqlQuery("""
            SELECT id, user_id, quota_date, kind, requested, applied_delta, reason, actor, request_id, created_at
              FROM quota_adjustments WHERE user_id = :userId AND request_id = :requestId
            """)
    Optional<AdjustmentRow> findByRequestId(UserKey userId, String requestId);

    /** A user's trail between two days inclusive, oldest first: read as plain JDBC by {@link #forUser(Connection, UserKey, LocalDate, LocalDate)}. */
    String FOR_USER = """
            SELECT id, user_id, quota_date, kind, requested, applied_delta, reason, actor, request_id, created_at
              FROM quota_adjustments
             WHERE user_id = :userId AND quota_date BETWEEN :from AND :to
             ORDER BY quota_date, id
            """;

    /** The statement of {@link #FOR_USER}, for a one-shot read that configures no Jdbi. */
    PlainStatement FOR_USER_STATEMENT = new PlainStatement(FOR_USER);

    static List<AdjustmentRow> forUser(Connection connection, UserKey userId, LocalDate from, LocalDate to) {
        return FOR_USER_STATEMENT.list(connection, Map.of("userId", userId, "from", from, "to", to), AdjustmentDao::row);
    }

    /** A row of the trail, as every statement here returns it. */
    static AdjustmentRow row(ResultSet rs) throws SQLException {
        return new AdjustmentRow(rs.getLong("id"), UserKey.fromSql(rs.getObject("user_id")), rs.getObject("quota_date", LocalDate.class),
                rs.getString("kind"), rs.getInt("requested"), rs.getInt("applied_delta"), rs.getString("reason"), rs.getString("actor"),
                rs.getString("request_id"), PlainStatement.instant(rs, "created_at"));
    }

    /** Jdbi's mapper of the trail's rows: {@link #row}, so that both ways read a row alike. */
    final class Rows implements RowMapper<AdjustmentRow> {
        @Override
        public AdjustmentRow map(ResultSet rs, StatementContext ctx) throws SQLException {
            return row(rs);
        }
    }
}
