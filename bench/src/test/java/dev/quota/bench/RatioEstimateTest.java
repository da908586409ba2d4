package dev.quota.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RatioEstimateTest {

    private static final double[] STEADY = {2.9, 3.0, 3.1, 3.0, 2.95, 3.05, 3.0, 3.02};
    private static final double[] NOISY = {1.5, 4.5, 2.0, 4.0, 3.0, 2.5, 3.5, 3.0};

    @Test
    void givenAnOddOrEvenCountOfRatios_whenTakingTheMedian_thenItIsTheMiddleOrTheMeanOfTheTwoMiddle() {
        assertThat(RatioEstimate.median(new double[] {3, 1, 2})).isEqualTo(2);
        assertThat(RatioEstimate.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    }

    @Test
    void givenPairedRatios_whenEstimated_thenTheIntervalHoldsTheMedianWithinTheRangeOfThePairs() {
        RatioEstimate estimate = RatioEstimate.of(NOISY);

        assertThat(estimate.pairs()).isEqualTo(8);
        assertThat(estimate.median()).isEqualTo(3.0);
        assertThat(estimate.low()).isBetween(1.5, estimate.median());
        assertThat(estimate.high()).isBetween(estimate.median(), 4.5);
    }

    @Test
    void givenSteadierPairs_whenEstimated_thenTheIntervalIsNarrower() {
        RatioEstimate steady = RatioEstimate.of(STEADY);
        RatioEstimate noisy = RatioEstimate.of(NOISY);

        assertThat(steady.high() - steady.low()).isLessThan((noisy.high() - noisy.low()) / 5);
    }

    @Test
    void givenTheSameRatios_whenEstimatedTwice_thenTheIntervalIsTheSame() {
        assertThat(RatioEstimate.of(NOISY)).isEqualTo(RatioEstimate.of(NOISY.clone()));
    }

    @Test
    void givenEveryPairAlike_whenEstimated_thenTheIntervalIsThatOneValue() {
        RatioEstimate estimate = RatioEstimate.of(new double[] {0.8, 0.8, 0.8, 0.8, 0.8});

        assertThat(estimate.low()).isCloseTo(0.8, within(1e-12));
        assertThat(estimate.high()).isCloseTo(0.8, within(1e-12));
    }

    @Test
    void givenAnIntervalAtOrAboveTheGoal_whenJudged_thenTheTargetIsMet() {
        assertThat(new RatioEstimate(3.2, 3.0, 3.4, 8).against(3.0)).isEqualTo(RatioEstimate.Verdict.MET);
    }

    @Test
    void givenAnIntervalBelowTheGoal_whenJudged_thenTheTargetIsMissed() {
        assertThat(new RatioEstimate(0.7, 0.65, 0.79, 8).against(0.8)).isEqualTo(RatioEstimate.Verdict.MISSED);
    }

    @Test
    void givenAnIntervalAcrossTheGoal_whenJudged_thenTheTargetIsUndecided() {
        assertThat(new RatioEstimate(0.82, 0.75, 0.9, 8).against(0.8)).isEqualTo(RatioEstimate.Verdict.UNDECIDED);
    }

    @Test
    void givenTooFewPairs_whenJudged_thenTheTargetIsUndecidedHoweverClearTheInterval() {
        assertThat(new RatioEstimate(5, 5, 5, RatioEstimate.FEWEST_PAIRS_FOR_A_VERDICT - 1).against(3.0))
                .isEqualTo(RatioEstimate.Verdict.UNDECIDED);
    }

    @Test
    void givenTwoIntervals_whenTheyShareAValue_thenTheyOverlap() {
        RatioEstimate a = new RatioEstimate(2.0, 1.8, 2.2, 8);

        assertThat(a.overlaps(new RatioEstimate(2.4, 2.2, 2.6, 8))).isTrue();
        assertThat(a.overlaps(new RatioEstimate(2.5, 2.3, 2.7, 8))).isFalse();
    }
}
