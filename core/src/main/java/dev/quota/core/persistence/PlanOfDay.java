package dev.quota.core.persistence;

/**
 * The plan of a user's day: the rule's one home. A day still being consumed (today, or later)
 * takes the period that still applies, as the chat path enforces it; a finished day the
 * period that covered it, so that a plan change today does not rewrite yesterday's limit;
 * the highest limit when several qualify (a plan changed that day). Every reader embeds
 * {@link #rule}: the Java statements as a lateral join on {@code p}
 * ({@code p.plan_code}, {@code p.daily_message_limit}), and the SQL API through
 * {@code quota.day_limit}, which {@code db.DayLimitFunction} renders from it at migration. It is
 * written as a subquery rather than called as a SQL function because Citus cannot plan a
 * SQL function that reads a distributed table (docs/scaling.md); PostgreSQL plans the two
 * alike, the function having been inlined.
 */
public final class PlanOfDay {

    /** The active plan of the account {@code u}. */
    static final String ACTIVE = join("u.user_id", "CAST(NULL AS date)", false);

    /** The plan that covered the account {@code u} on the day bound as {@code :day}. */
    static final String COVERING = covering("u.user_id", "CAST(:day AS date)");

    private PlanOfDay() {
    }

    /**
     * The plan that covered the user {@code userId} on the finished date {@code day}: both
     * SQL expressions of the embedding query (columns or bound parameters, never caller text).
     */
    public static String covering(String userId, String day) {
        return join(userId, day, true);
    }

    static String of(boolean finishedDay) {
        return finishedDay ? COVERING : ACTIVE;
    }

    /**
     * The plan (at most one row: {@code plan_code}, {@code daily_message_limit}) of the user
     * {@code userId} on {@code day}, judged as a finished day when {@code finished} is true:
     * three SQL expressions of the embedding statement (columns, parameters or constants,
     * never caller text).
     */
    public static String rule(String userId, String day, Object finished) {
        return rule(userId, day, finished, "");
    }

    /** As {@link #rule}, the periods also filtered by {@code alsoWhere}, a condition on {@code pp} of the embedding statement, when not empty. */
    private static String rule(String userId, String day, Object finished, String alsoWhere) {
        return """
                SELECT pp.plan_code, pp.daily_message_limit
                  FROM plan_periods pp
                 WHERE pp.user_id = %1$s%4$s
                   AND CASE WHEN %3$s THEN pp.started_at < (%2$s + 1) AT TIME ZONE 'UTC'
                                           AND (pp.ended_at IS NULL OR pp.ended_at > %2$s AT TIME ZONE 'UTC')
                            ELSE pp.ended_at IS NULL END
                 ORDER BY pp.daily_message_limit DESC
                 LIMIT 1""".formatted(userId, day, finished, alsoWhere.isEmpty() ? "" : " AND " + alsoWhere);
    }

    /**
     * The plan's limit of the user {@code userId} on {@code day}, each row judged by the
     * database's today: a scalar subquery for a scan of many user-days (the reconciler, the
     * invariants check), the form Citus pushes down to each worker with the scan.
     */
    public static String limitOfEachDay(String userId, String day) {
        return "(SELECT r.daily_message_limit FROM (" + rule(userId, day, finishedByToday(day)).indent(8).strip() + ") r)";
    }

    /** Whether {@code day} is finished, by the database's today ({@code quota.today()}). */
    private static String finishedByToday(String day) {
        return day + " < today()";
    }

    /**
     * As {@link #ACTIVE}, the periods read only for the users of {@code userIds} (an array of
     * the embedding statement): a query that reads many users at once by {@code = ANY} is
     * pruned by Citus to those users' shards only when every distributed table in it is
     * filtered so, the join on the user not being enough.
     */
    static String activeOf(String userIds) {
        return join("u.user_id", "CAST(NULL AS date)", false, "pp.user_id = ANY(" + userIds + ")");
    }

    private static String join(String userId, String day, Object finished) {
        return join(userId, day, finished, "");
    }

    private static String join(String userId, String day, Object finished, String alsoWhere) {
        return "  LEFT JOIN LATERAL (" + rule(userId, day, finished, alsoWhere).indent(4).strip() + ") p ON true\n";
    }
}
