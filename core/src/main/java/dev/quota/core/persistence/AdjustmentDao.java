package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** Every statement on {@code quota_adjustments}, the audit trail. */
@RegisterConstructorMapper(AdjustmentRow.class)
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

    @SqlQuery("""
            SELECT id, user_id, quota_date, kind, requested, applied_delta, reason, actor, request_id, created_at
              FROM quota_adjustments
             WHERE user_id = :userId AND quota_date BETWEEN :from AND :to
             ORDER BY quota_date, id
            """)
    List<AdjustmentRow> forUser(UserKey userId, LocalDate from, LocalDate to);
}
