package dev.quota.core.persistence;

import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.core.QuotaStatus;
import dev.quota.core.UserKey;

/**
 * What a consumption or status needs to know about a user and a day, read in one round trip.
 *
 * @param planCode   null when the user has no active subscription
 * @param planLimit  null when the user has no active subscription
 * @param dailyLimit the effective limit, by the SQL rule {@code quota.effective_limit}; null without a subscription
 */
public record QuotaContext(UserKey userId, String email, String planCode, Integer planLimit, int granted, Integer dailyLimit,
                           int consumed) {

    public boolean subscribed() {
        return planLimit != null;
    }

    /** This context, or {@code no_active_subscription} when the user has no plan and so no limit. */
    public QuotaContext requireSubscribed(Object user) {
        if (!subscribed()) {
            throw QuotaException.noActiveSubscription(user, userId);
        }
        return this;
    }

    /** The day's quota derived from these facts; only for a subscribed context. */
    public QuotaStatus status(QuotaDay day) {
        return QuotaStatus.of(userId, email, day, planCode, planLimit, granted, dailyLimit, consumed);
    }
}
