package dev.quota.core.persistence;

/**
 * How a read finds the plan {@code p} of user {@code u} for the day bound as {@code :day}.
 * Today and later days take the active subscription, as the chat path enforces it. A finished
 * day takes the subscription that covered it, whatever its status now, so that a plan change
 * today does not rewrite yesterday's limit; when the plan changed during that day the highest
 * limit counts, as in the reconciler's ledger.
 */
final class PlanOfDay {

    static final String ACTIVE = """
              LEFT JOIN user_subscriptions s ON s.user_id = u.id AND s.status = 'active'
              LEFT JOIN billing_plans p ON p.id = s.plan_id
            """;

    static final String COVERING = """
              LEFT JOIN LATERAL (SELECT c.plan_id
                                   FROM user_subscriptions c JOIN billing_plans cp ON cp.id = c.plan_id
                                  WHERE c.user_id = u.id
                                    AND c.started_at < (CAST(:day AS date) + 1) AT TIME ZONE 'UTC'
                                    AND (c.ended_at IS NULL OR c.ended_at > CAST(:day AS date) AT TIME ZONE 'UTC')
                                  ORDER BY cp.daily_message_limit DESC
                                  LIMIT 1) s ON true
              LEFT JOIN billing_plans p ON p.id = s.plan_id
            """;

    static String of(boolean finishedDay) {
        return finishedDay ? COVERING : ACTIVE;
    }

    private PlanOfDay() {
    }
}
