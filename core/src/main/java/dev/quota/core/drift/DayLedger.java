package dev.quota.core.drift;

import dev.quota.core.QuotaStatus;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.Set;

/**
 * Everything the log says about one user's day, next to what the counter says. The
 * reconciliation rules live here, pure, so that they are tested without a database:
 * expected = user messages + usage adjustments (refund/charge/reset/set; a grant changes
 * the limit, and the reconciler's own {@code reconcile} rows only bring the counter back
 * to the log).
 *
 * @param usedCount  the counter, or null when there is no counter row
 * @param planLimit  the highest daily limit among the subscriptions covering the day, or null if none
 */
public record DayLedger(long userId, LocalDate quotaDate, Integer usedCount, int messages, int usageDelta,
                        int granted, boolean userExists, Integer planLimit) {

    public int expected() {
        return Math.max(0, messages + usageDelta);
    }

    /** The plan's limit plus the day's grants, never below 0 ({@link QuotaStatus#effectiveLimit}). */
    public Integer effectiveLimit() {
        return planLimit == null ? null : QuotaStatus.effectiveLimit(planLimit, granted);
    }

    /** Counter minus expected: positive when over-counted. */
    public int drift() {
        return (usedCount == null ? 0 : usedCount) - expected();
    }

    public Set<DriftKind> kinds() {
        Set<DriftKind> kinds = EnumSet.noneOf(DriftKind.class);
        if (usedCount == null) {
            if (expected() > 0) {
                kinds.add(DriftKind.MISSING_COUNTER);
            }
            return kinds;
        }
        if (usedCount > expected()) {
            kinds.add(DriftKind.OVER_COUNTED);
        } else if (usedCount < expected()) {
            kinds.add(DriftKind.UNDER_COUNTED);
        }
        if (!userExists || planLimit == null) {
            kinds.add(DriftKind.ORPHAN_COUNTER);
        } else if (usedCount > effectiveLimit()) {
            kinds.add(DriftKind.OVER_LIMIT);
        }
        return kinds;
    }

    public boolean drifting() {
        return !kinds().isEmpty();
    }

    /** Whether the counter itself is off the log (what a repair fixes). */
    public boolean counterDrift() {
        return kinds().stream().anyMatch(DriftKind::repairable);
    }
}
