package dev.quota.core.drift;

import dev.quota.core.UserKey;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.Set;

/**
 * Everything the log says about one user's day, next to what the counter says. The counter
 * should read {@code expected}: user messages plus usage adjustments (refund/charge/reset/set;
 * a grant changes the limit, and the reconciler's own {@code reconcile} rows only bring the
 * counter back to the log), never below 0. That rule and the effective limit are the
 * database's ({@code quota.expected_usage}, {@code quota.effective_limit}), read with the
 * ledger; the drift kinds derived from them live here, pure, so that they are tested
 * without a database.
 *
 * @param usedCount      the counter, or null when there is no counter row
 * @param planLimit      the limit of the plan of the day, or null if none
 * @param expected       what the counter should read
 * @param effectiveLimit the plan's limit plus the day's grants, never below 0; null without a plan
 */
public record DayLedger(UserKey userId, LocalDate quotaDate, Integer usedCount, int messages, int usageDelta,
                        int granted, boolean userExists, Integer planLimit, int expected, Integer effectiveLimit) {

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

    /**
     * {@link #kinds()} not empty, as one SQL condition on a day-ledger row {@code l} with the
     * columns of this record: the same rule for the count in one query (the benchmark's
     * ceiling), kept beside it so that both change together; ReconciliationJobTest checks that
     * they agree.
     */
    public static final String DRIFTING_SQL = """
            (l.used_count IS NULL AND l.expected > 0)
               OR (l.used_count IS NOT NULL AND (l.used_count <> l.expected OR NOT l.user_exists OR l.plan_limit IS NULL
                                                 OR l.used_count > l.effective_limit))""";

    /**
     * This ledger, read with no messages counted, with {@code count} user messages: what the
     * merged scan makes of the counters' ledger and the messages it read apart.
     */
    public DayLedger withMessages(int count) {
        return new DayLedger(userId, quotaDate, usedCount, count, usageDelta, granted, userExists, planLimit,
                expectedUsage(count, usageDelta), effectiveLimit);
    }

    /**
     * {@code quota.expected_usage}, the rule's home, in Java for the merged scan, which adds
     * the messages after the database has read the rest: messages plus the usage adjustments,
     * never below 0, an error past an integer as the SQL cast is. DayLedgerTest holds the two
     * to each other.
     */
    public static int expectedUsage(long messages, long usageDelta) {
        return Math.toIntExact(Math.max(0, messages + usageDelta));
    }

    public boolean drifting() {
        return !kinds().isEmpty();
    }

    /** Whether the counter itself is off the log (what a repair fixes). */
    public boolean counterDrift() {
        return kinds().stream().anyMatch(DriftKind::repairable);
    }
}
