package dev.quota.core.persistence;

/**
 * What a consumption or status needs to know about a user and a day, read in one round trip.
 *
 * @param planCode  null when the user has no active subscription
 * @param planLimit null when the user has no active subscription
 */
public record QuotaContext(long userId, String email, String planCode, Integer planLimit, int granted, int consumed) {

    public boolean subscribed() {
        return planLimit != null;
    }
}
