package dev.quota.core.check;

import dev.quota.core.UserKey;
import java.time.LocalDate;

/**
 * A counter that breaks an invariant.
 *
 * @param expected messages of the day plus the usage adjustments of the day
 * @param limit    the effective limit, or null when the user has no active plan
 */
public record InvariantViolation(UserKey userId, LocalDate quotaDate, int usedCount, int messages, int expected, Integer limit) {

    public boolean aboveLimit() {
        return limit != null && usedCount > limit;
    }

    public boolean offLog() {
        return usedCount != expected;
    }
}
