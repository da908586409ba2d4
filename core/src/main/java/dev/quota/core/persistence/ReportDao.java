package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import java.time.LocalDate;
import java.util.List;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.sqlobject.SqlObject;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** Read-only views for support and ops: a user's recent days, a day's heaviest users. */
public interface ReportDao extends SqlObject {

    // every day of the range, with or without a counter, so that gaps show as zero
    @SqlQuery("""
            SELECT CAST(d AS date) AS quota_date,
                   COALESCE(q.used_count, 0) AS used_count,
                   (SELECT count(*) FROM user_messages m
                     WHERE m.user_id = :userId
                       AND m.created_at >= d AND m.created_at < d + interval '1 day') AS messages,
                   COALESCE((SELECT g.granted FROM day_grants g
                     WHERE g.user_id = :userId AND g.quota_date = CAST(d AS date)), 0) AS granted,
                   q.user_id IS NOT NULL AS counter_exists
              FROM generate_series(CAST(:from AS date) AT TIME ZONE 'UTC', CAST(:to AS date) AT TIME ZONE 'UTC', interval '1 day') AS d
              LEFT JOIN user_daily_quota_usages q ON q.user_id = :userId AND q.quota_date = CAST(d AS date)
             ORDER BY d DESC
            """)
    @RegisterConstructorMapper(DayUsage.class)
    List<DayUsage> history(UserKey userId, LocalDate from, LocalDate to);

    /** The heaviest users of a day, with the day's plan as {@link PlanOfDay} finds it. */
    default List<TopUser> top(LocalDate day, boolean finishedDay, boolean exhaustedOnly, int limit) {
        return getHandle().createQuery(TOP.replace("{plan_of_day}", PlanOfDay.of(finishedDay)))
                .bind("day", day).bind("exhaustedOnly", exhaustedOnly).bind("limit", limit)
                .map(ConstructorMapper.of(TopUser.class)).list();
    }

    // {plan_of_day} is one of PlanOfDay's constants, never caller text
    String TOP = """
            SELECT q.user_id, u.email, p.plan_code,
                   effective_limit(p.daily_message_limit, COALESCE(g.granted, 0)) AS "limit", q.used_count
              FROM user_daily_quota_usages q
              JOIN accounts u ON u.user_id = q.user_id
            {plan_of_day}
              LEFT JOIN LATERAL (SELECT dg.granted FROM day_grants dg
                                  WHERE dg.user_id = q.user_id AND dg.quota_date = q.quota_date) g ON true
             WHERE q.quota_date = :day
               AND (NOT :exhaustedOnly OR q.used_count >= effective_limit(p.daily_message_limit, COALESCE(g.granted, 0)))
             ORDER BY q.used_count DESC, q.user_id
             LIMIT :limit
            """;
}
