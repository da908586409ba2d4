package dev.quota.core.persistence;

import dev.quota.core.UserKey;
/** A user's counter on one day, for the heaviest-users view; limit is null without an active plan. */
public record TopUser(UserKey userId, String email, String planCode, Integer limit, int usedCount) {

    public boolean exhausted() {
        return limit != null && usedCount >= limit;
    }
}
