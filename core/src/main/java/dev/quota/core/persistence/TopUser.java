package dev.quota.core.persistence;

/** A user's counter on one day, for the heaviest-users view; limit is null without an active plan. */
public record TopUser(long userId, String email, String planCode, Integer limit, int usedCount) {

    public boolean exhausted() {
        return limit != null && usedCount >= limit;
    }
}
