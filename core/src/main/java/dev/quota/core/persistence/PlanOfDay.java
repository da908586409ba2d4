package dev.quota.core.persistence;

/**
 * How a read joins the plan {@code p} ({@code p.plan_code}, {@code p.daily_message_limit}) of
 * a user's day. The rule itself lives once, in SQL: {@code quota.plan_of_day} (db/toolkit
 * V5), which {@code quota.consume} and {@code quota.status} call too, and which the planner
 * inlines into each query here. A day still being consumed takes the period that still
 * applies, as the chat path enforces it; a finished day the period that covered it (the
 * highest limit when the plan changed that day), so that a plan change today does not
 * rewrite yesterday's limit. The quota reads, the invariants check and the reconciler all
 * judge a day by these joins.
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

    /**
     * The plan of the user {@code userId} on {@code day}, each row judged by the database's
     * today ({@code quota.today()}): the reconciler and the invariants check, which read many
     * days at once, today included when asked.
     */
    public static String ofEachDay(String userId, String day) {
        return join(userId, day, day + " < today()");
    }

    static String of(boolean finishedDay) {
        return finishedDay ? COVERING : ACTIVE;
    }

    private static String join(String userId, String day, Object finished) {
        return "  LEFT JOIN LATERAL plan_of_day(%s, %s, %s) p ON true\n".formatted(userId, day, finished);
    }
}
