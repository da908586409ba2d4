package dev.quota.core.drift;

import static dev.quota.core.drift.DriftKind.MISSING_COUNTER;
import static dev.quota.core.drift.DriftKind.ORPHAN_COUNTER;
import static dev.quota.core.drift.DriftKind.OVER_COUNTED;
import static dev.quota.core.drift.DriftKind.OVER_LIMIT;
import static dev.quota.core.drift.DriftKind.UNDER_COUNTED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quota.core.UserKey;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class DayLedgerTest {

    private static final LocalDate DAY = LocalDate.of(2026, 7, 1);

    /** A ledger as the database reads it: expected and the effective limit by the SQL rules, done by hand here. */
    private static DayLedger ledger(Integer used, int messages, int usageDelta, int granted, boolean userExists, Integer planLimit) {
        return new DayLedger(UserKey.of(7), DAY, used, messages, usageDelta, granted, userExists, planLimit, Math.max(0, messages + usageDelta),
                planLimit == null ? null : Math.max(0, planLimit + granted));
    }

    @Test
    void givenACounterEqualToMessagesPlusAdjustments_whenClassified_thenNoDrift() {
        assertThat(ledger(5, 8, -3, 0, true, 10).kinds()).isEmpty();
    }

    @Test
    void givenACounterAboveTheLog_whenClassified_thenOverCounted() {
        assertThat(ledger(6, 4, 0, 0, true, 10).kinds()).containsExactly(OVER_COUNTED);
    }

    @Test
    void givenACounterBelowTheLog_whenClassified_thenUnderCounted() {
        assertThat(ledger(3, 4, 0, 0, true, 10).kinds()).containsExactly(UNDER_COUNTED);
    }

    @Test
    void givenMessagesWithoutACounter_whenClassified_thenMissingCounter() {
        assertThat(ledger(null, 2, 0, 0, true, 10).kinds()).containsExactly(MISSING_COUNTER);
    }

    @Test
    void givenNoCounterAndNothingExpected_whenClassified_thenNoDrift() {
        assertThat(ledger(null, 0, 0, 5, true, 10).kinds()).isEmpty();
    }

    @Test
    void givenACounterForAUserWithoutPlan_whenClassified_thenOrphanAndOverCounted() {
        assertThat(ledger(2, 0, 0, 0, true, null).kinds()).containsExactlyInAnyOrder(ORPHAN_COUNTER, OVER_COUNTED);
    }

    @Test
    void givenACounterAboveTheLimitBackedByMessages_whenClassified_thenOnlyOverLimit() {
        assertThat(ledger(12, 12, 0, 0, true, 10).kinds()).containsExactly(OVER_LIMIT);
    }

    @Test
    void givenGrants_whenClassified_thenTheyRaiseTheLimitNotTheExpectedUsage() {
        DayLedger ledger = ledger(12, 12, 0, 5, true, 10);
        assertThat(ledger.kinds()).isEmpty();
        assertThat(ledger.expected()).isEqualTo(12);
    }

    @Test
    void givenOverLimitCausedByOverCounting_whenCounterDriftIsAsked_thenItIsRepairable() {
        DayLedger ledger = ledger(12, 9, 0, 0, true, 10);
        assertThat(ledger.kinds()).containsExactlyInAnyOrder(OVER_COUNTED, OVER_LIMIT);
        assertThat(ledger.counterDrift()).isTrue();
        assertThat(ledger.drift()).isEqualTo(3);
    }
}
