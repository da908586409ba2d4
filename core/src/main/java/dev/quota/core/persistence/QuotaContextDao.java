package dev.quota.core.persistence;

import java.time.LocalDate;
import java.util.Optional;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.sqlobject.SqlObject;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** Resolves a user reference and reads the facts a day's quota is derived from. */
@RegisterConstructorMapper(QuotaContext.class)
public interface QuotaContextDao extends SqlObject {

    @SqlQuery("SELECT user_id FROM accounts WHERE lower(email) = lower(:email)")
    Optional<Long> userIdByEmail(@Bind("email") String email);

    /**
     * The user, the plan of the active subscription, the day's grants and the counter, in
     * one read. Grants are summed here rather than kept on the counter row so that the audit
     * trail is the single source of truth for the limit. The atomic strategy's one-statement
     * chat path ({@link ChatPathStatement}) starts from this same query.
     */
    String CONTEXT = Facts.SELECT + PlanOfDay.ACTIVE + Facts.WHERE;

    /** As {@link #CONTEXT}, for a finished day: with the plan that covered it ({@link PlanOfDay}). */
    String FINISHED_DAY_CONTEXT = Facts.SELECT + PlanOfDay.COVERING + Facts.WHERE;

    @SqlQuery(CONTEXT)
    Optional<QuotaContext> context(@Bind("userId") long userId, @Bind("day") LocalDate day);

    default Optional<QuotaContext> finishedDayContext(long userId, LocalDate day) {
        return getHandle().createQuery(FINISHED_DAY_CONTEXT).bind("userId", userId).bind("day", day)
                .map(ConstructorMapper.of(QuotaContext.class)).findOne();
    }

    /** What both context reads select; they differ only in how the plan is found. */
    final class Facts {
        static final String SELECT = """
                SELECT u.user_id, u.email, p.code AS plan_code, p.daily_message_limit AS plan_limit,
                       COALESCE((SELECT sum(a.applied_delta) FROM quota_adjustments a
                                  WHERE a.user_id = u.user_id AND a.quota_date = :day AND a.kind = 'grant'), 0) AS granted,
                       COALESCE((SELECT q.used_count FROM user_daily_quota_usages q
                                  WHERE q.user_id = u.user_id AND q.quota_date = :day), 0) AS consumed
                  FROM accounts u
                """;
        static final String WHERE = " WHERE u.user_id = :userId\n";

        private Facts() {
        }
    }
}
