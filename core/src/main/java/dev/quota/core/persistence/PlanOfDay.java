package dev.quota.core.persistence;

/**
 * How a read finds the plan {@code p} ({@code p.code}, {@code p.daily_message_limit}) of a
 * user for a day, from the read contract's {@code plan_periods}. Today and later days take
 * the period that still applies (no end), as the chat path enforces it. A finished day takes
 * the period that covered it, so that a plan change today does not rewrite yesterday's
 * limit; when the plan changed during that day the highest limit counts, and so it does
 * when a layout has several open periods. The quota reads, the invariants check and the
 * reconciler all judge a day by these joins.
 */
public final class PlanOfDay {

    /** The active plan of the account {@code u}. */
    static final String ACTIVE = """
              LEFT JOIN LATERAL (SELECT ap.plan_code AS code, ap.daily_message_limit
                                   FROM plan_periods ap
                                  WHERE ap.user_id = u.user_id AND ap.ended_at IS NULL
                                  ORDER BY ap.daily_message_limit DESC
                                  LIMIT 1) p ON true
            """;

    /** The plan that covered the account {@code u} on the day bound as {@code :day}. */
    static final String COVERING = covering("u.user_id", "CAST(:day AS date)");

    private PlanOfDay() {
    }

    /**
     * The plan that covered the user {@code userId} on the date {@code day}: both SQL
     * expressions of the embedding query (columns or bound parameters, never caller text).
     */
    public static String covering(String userId, String day) {
        return """
                  LEFT JOIN LATERAL (SELECT c.plan_code AS code, c.daily_message_limit
                                       FROM plan_periods c
                                      WHERE c.user_id = %1$s
                                        AND c.started_at < (%2$s + 1) AT TIME ZONE 'UTC'
                                        AND (c.ended_at IS NULL OR c.ended_at > %2$s AT TIME ZONE 'UTC')
                                      ORDER BY c.daily_message_limit DESC
                                      LIMIT 1) p ON true
                """.formatted(userId, day);
    }

    static String of(boolean finishedDay) {
        return finishedDay ? COVERING : ACTIVE;
    }
}
