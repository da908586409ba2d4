package dev.quota.core.persistence;

/**
 * How a read finds the plan {@code p} ({@code p.code}, {@code p.daily_message_limit}) of a
 * user for a day. Today and later days take the active subscription, as the chat path
 * enforces it. A finished day takes the subscription that covered it, whatever its status
 * now, so that a plan change today does not rewrite yesterday's limit; when the plan changed
 * during that day the highest limit counts. The quota reads, the invariants check and the
 * reconciler all judge a day by these joins.
 */
public final class PlanOfDay {

    /** The active plan of user {@code u}. */
    static final String ACTIVE = """
              LEFT JOIN user_subscriptions s ON s.user_id = u.id AND s.status = 'active'
              LEFT JOIN billing_plans p ON p.id = s.plan_id
            """;

    /** The plan that covered user {@code u} on the day bound as {@code :day}. */
    static final String COVERING = covering("u.id", "CAST(:day AS date)");

    private PlanOfDay() {
    }

    /**
     * The plan that covered the user {@code userId} on the date {@code day}: both SQL
     * expressions of the embedding query (columns or bound parameters, never caller text).
     */
    public static String covering(String userId, String day) {
        return """
                  LEFT JOIN LATERAL (SELECT cp.code, cp.daily_message_limit
                                       FROM user_subscriptions c JOIN billing_plans cp ON cp.id = c.plan_id
                                      WHERE c.user_id = %1$s
                                        AND c.started_at < (%2$s + 1) AT TIME ZONE 'UTC'
                                        AND (c.ended_at IS NULL OR c.ended_at > %2$s AT TIME ZONE 'UTC')
                                      ORDER BY cp.daily_message_limit DESC
                                      LIMIT 1) p ON true
                """.formatted(userId, day);
    }

    static String of(boolean finishedDay) {
        return finishedDay ? COVERING : ACTIVE;
    }
}
