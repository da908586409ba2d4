package dev.quota.core.check;

import java.util.List;

/**
 * The outcome of an invariant check over every counter of a database.
 *
 * @param counters     counters checked
 * @param aboveLimit   counters above their effective limit
 * @param offLog       counters that differ from messages + usage adjustments
 * @param samples      up to {@link QuotaInvariants#SAMPLE_SIZE} of the violations, worst first
 */
public record InvariantReport(long counters, long aboveLimit, long offLog, List<InvariantViolation> samples) {

    public boolean holds() {
        return aboveLimit == 0 && offLog == 0;
    }
}
