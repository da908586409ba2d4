package dev.quota.core.drift;

import java.util.Locale;

/** The ways a (user, day) counter can disagree with the message log and the plan. */
public enum DriftKind {
    /** The counter is above messages + usage adjustments: the user was charged for nothing. */
    OVER_COUNTED,
    /** The counter is below messages + usage adjustments: messages were stored without a charge. */
    UNDER_COUNTED,
    /** Messages (or usage adjustments) but no counter row at all. */
    MISSING_COUNTER,
    /** A counter for a user with no subscription that day, or for an unknown user. */
    ORPHAN_COUNTER,
    /** The counter is above the effective limit: enforcement broke. */
    OVER_LIMIT;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether setting the counter to its expected value fixes this kind. */
    public boolean repairable() {
        return this == OVER_COUNTED || this == UNDER_COUNTED || this == MISSING_COUNTER;
    }
}
