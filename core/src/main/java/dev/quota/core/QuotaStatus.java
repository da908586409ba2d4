package dev.quota.core;

import java.time.Instant;

/**
 * A user's quota for one day, as support staff and the chat front end see it.
 *
 * @param limit     the effective limit: the plan's daily limit plus the day's grants, never below 0, as
 *                  the database computes it ({@code quota.effective_limit}, the rule's one home)
 * @param consumed  the counter ({@code used_count})
 * @param remaining what is left, never negative even if the counter is above the limit
 */
public record QuotaStatus(
        UserKey userId,
        String email,
        QuotaDay day,
        String planCode,
        int planLimit,
        int granted,
        int limit,
        int consumed,
        int remaining,
        Instant resetAt) {

    /** Derives remaining and reset_at from the stored facts and the day's effective limit. */
    public static QuotaStatus of(UserKey userId, String email, QuotaDay day, String planCode,
                                 int planLimit, int granted, int limit, int consumed) {
        return new QuotaStatus(userId, email, day, planCode, planLimit, granted, limit, consumed,
                remaining(limit, consumed, 0), day.resetAt());
    }

    /**
     * What is left of a day: the limit less what was consumed and what is held, never below 0
     * (a counter above the limit, after a plan was lowered, leaves nothing). The rule's one home,
     * with {@link #remainingSql}, its text in the SQL API's functions.
     */
    public static int remaining(int limit, int consumed, int held) {
        return Math.max(0, limit - consumed - held);
    }

    /** {@link #remaining} as SQL over three expressions of the embedding function: rendered into the SQL API ({@code SqlApi}). */
    public static String remainingSql(String limit, String consumed, String held) {
        return "GREATEST(0, " + limit + " - " + consumed + " - " + held + ")";
    }

    public boolean exhausted() {
        return remaining == 0;
    }

    public QuotaStatus withConsumed(int newConsumed) {
        return of(userId, email, day, planCode, planLimit, granted, limit, newConsumed);
    }

    /** After a grant: the day's grants and the effective limit the database computed for them. */
    public QuotaStatus withGranted(int newGranted, int newLimit) {
        return of(userId, email, day, planCode, planLimit, newGranted, newLimit, consumed);
    }
}
