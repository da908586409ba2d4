package dev.quota.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AdjustmentKindTest {

    @Test
    void givenARefundLargerThanUsage_whenApplied_thenUsageStopsAtZeroAndTheDeltaIsWhatWasReallyGivenBack() {
        assertThat(AdjustmentKind.REFUND.usageAfter(3, 10, 50)).isZero();
        assertThat(AdjustmentKind.REFUND.appliedDelta(3, 10, 50)).isEqualTo(-3);
    }

    @Test
    void givenARefundWithinUsage_whenApplied_thenTheFullAmountIsGivenBack() {
        assertThat(AdjustmentKind.REFUND.appliedDelta(8, 5, 50)).isEqualTo(-5);
    }

    @Test
    void givenAGrant_whenApplied_thenUsageIsUnchangedAndTheDeltaIsTheGrant() {
        assertThat(AdjustmentKind.GRANT.usageAfter(8, 5, 10)).isEqualTo(8);
        assertThat(AdjustmentKind.GRANT.appliedDelta(8, 5, 10)).isEqualTo(5);
    }

    @Test
    void givenAChargeBeyondTheLimit_whenApplied_thenUsageStopsAtTheLimit() {
        assertThat(AdjustmentKind.CHARGE.usageAfter(8, 5, 10)).isEqualTo(10);
        assertThat(AdjustmentKind.CHARGE.appliedDelta(8, 5, 10)).isEqualTo(2);
    }

    @Test
    void givenAResetOfAFullDay_whenApplied_thenUsageIsZeroAndTheDeltaIsMinusTheUsage() {
        assertThat(AdjustmentKind.RESET.appliedDelta(10, 0, 10)).isEqualTo(-10);
    }

    @Test
    void givenASetAboveTheLimit_whenApplied_thenInvalidQuotaState() {
        assertThatThrownBy(() -> AdjustmentKind.SET.usageAfter(2, 11, 10))
                .isInstanceOfSatisfying(QuotaException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_QUOTA_STATE));
    }

    @Test
    void givenASetWithinTheLimit_whenApplied_thenTheDeltaIsTheDifference() {
        assertThat(AdjustmentKind.SET.appliedDelta(2, 7, 10)).isEqualTo(5);
        assertThat(AdjustmentKind.SET.appliedDelta(9, 0, 10)).isEqualTo(-9);
    }

    @Test
    void givenTheKinds_whenAskedWhichChangeUsage_thenGrantAndReconcileDoNot() {
        assertThat(AdjustmentKind.GRANT.changesUsage()).isFalse();
        assertThat(AdjustmentKind.RECONCILE.changesUsage()).isFalse();
        assertThat(AdjustmentKind.REFUND.changesUsage()).isTrue();
        assertThat(AdjustmentKind.SET.changesUsage()).isTrue();
    }

    @Test
    void givenAnAdjustmentWithoutReason_whenRequested_thenInvalidInput() {
        assertThatThrownBy(() -> AdjustmentRequest.of(AdjustmentKind.GRANT, "1", 5, " ", "alice"))
                .isInstanceOfSatisfying(QuotaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT));
    }

    @Test
    void givenANegativeAmount_whenRequested_thenInvalidInput() {
        assertThatThrownBy(() -> AdjustmentRequest.of(AdjustmentKind.REFUND, "1", -1, "oops", "alice"))
                .isInstanceOfSatisfying(QuotaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT));
    }
}
