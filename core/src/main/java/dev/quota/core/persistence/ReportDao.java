package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Read-only views for support and ops: a user's recent days, a day's heaviest users. Plain
 * statements on a connection ({@link PlainStatement}): a one-shot {@code history} or
 * {@code top} reads without configuring Jdbi.
 */
public final class ReportDao {

    private ReportDao() {
    }

    /**
     * The user's days from {@code from} to {@code to}, newest first: every day of the range,
     * with or without a counter, so that gaps show as zero. The messages are counted in a
     * statement of their own: it joins nothing of the user's, so it also runs where the
     * messages are distributed by another key than the user (Citus, by conversation), which
     * a subquery beside the counters could not.
     */
    public static List<DayUsage> history(Connection connection, UserKey userId, LocalDate from, LocalDate to) {
        Map<String, Object> range = Map.of("userId", userId, "from", from, "to", to);
        Map<LocalDate, Integer> messages = new HashMap<>();
        MESSAGES_BY_DAY_STATEMENT.list(connection, range, rs -> Map.entry(rs.getObject("quota_date", LocalDate.class), rs.getInt("messages")))
                .forEach(day -> messages.put(day.getKey(), day.getValue()));
        return DAYS_STATEMENT.list(connection, range, rs -> {
            LocalDate day = rs.getObject("quota_date", LocalDate.class);
            return new DayUsage(day, rs.getInt("used_count"), messages.getOrDefault(day, 0), rs.getInt("granted"),
                    rs.getBoolean("counter_exists"));
        });
    }

    static final String MESSAGES_BY_DAY = """
            SELECT CAST(created_at AT TIME ZONE 'UTC' AS date) AS quota_date, CAST(count(*) AS integer) AS messages
              FROM user_messages
             WHERE user_id = :userId
               AND created_at >= CAST(:from AS date) AT TIME ZONE 'UTC'
               AND created_at < (CAST(:to AS date) + 1) AT TIME ZONE 'UTC'
             GROUP BY 1
            """;

    static final String DAYS = """
            SELECT CAST(d AS date) AS quota_date,
                   COALESCE(q.used_count, 0) AS used_count,
                   COALESCE((SELECT g.granted FROM day_grants g
                     WHERE g.user_id = :userId AND g.quota_date = CAST(d AS date)), 0) AS granted,
                   q.user_id IS NOT NULL AS counter_exists
              FROM generate_series(CAST(:from AS date) AT TIME ZONE 'UTC', CAST(:to AS date) AT TIME ZONE 'UTC', interval '1 day') AS d
              LEFT JOIN user_daily_quota_usages q ON q.user_id = :userId AND q.quota_date = CAST(d AS date)
             ORDER BY d DESC
            """;

    /** The heaviest users of a day, with the day's plan as {@link PlanOfDay} finds it. */
    public static List<TopUser> top(Connection connection, LocalDate day, boolean finishedDay, boolean exhaustedOnly, int limit) {
        return (finishedDay ? TOP_OF_FINISHED_DAY : TOP_OF_TODAY).list(connection,
                Map.of("day", day, "exhaustedOnly", exhaustedOnly, "limit", limit),
                rs -> new TopUser(UserKey.fromSql(rs.getObject("user_id")), rs.getString("email"), rs.getString("plan_code"),
                        rs.getObject("limit", Integer.class), rs.getInt("used_count")));
    }

    // {plan_of_day} is one of PlanOfDay's constants, never caller text
    static final String TOP = """
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

    private static final PlainStatement MESSAGES_BY_DAY_STATEMENT = new PlainStatement(MESSAGES_BY_DAY);
    private static final PlainStatement DAYS_STATEMENT = new PlainStatement(DAYS);
    private static final PlainStatement TOP_OF_TODAY = new PlainStatement(TOP.replace("{plan_of_day}", PlanOfDay.of(false)));
    private static final PlainStatement TOP_OF_FINISHED_DAY = new PlainStatement(TOP.replace("{plan_of_day}", PlanOfDay.of(true)));
}
