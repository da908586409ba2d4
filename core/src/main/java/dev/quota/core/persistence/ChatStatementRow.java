package dev.quota.core.persistence;

import dev.quota.core.UserKey;
/**
 * What the one-statement chat path ({@link ChatPathStatement}) did.
 *
 * @param planLimit      null when the user has no active subscription (nothing was consumed)
 * @param consumed       the counter as the statement found it (0 without a row)
 * @param usedAfter      the counter after the consumption, or null when the limit refused it
 * @param stored         messages inserted; fewer than asked means the request_id was already committed
 */
public record ChatStatementRow(UserKey userId, String email, String planCode, Integer planLimit, int granted, Integer dailyLimit,
                               int consumed, Integer usedAfter, int stored) {

    /** The facts the status is derived from, as the context query reads them. */
    public QuotaContext context() {
        return new QuotaContext(userId, email, planCode, planLimit, granted, dailyLimit, consumed);
    }

    public boolean accepted() {
        return usedAfter != null;
    }
}
