package dev.quota.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The median of paired ratios and its 95% interval by the percentile bootstrap: the pairs are
 * resampled with replacement {@value #RESAMPLES} times and the interval runs from the 2.5th
 * to the 97.5th percentile of the resamples' medians. The resampling is seeded, so the same
 * trials always give the same interval.
 */
record RatioEstimate(double median, double low, double high, int pairs) {

    static final int RESAMPLES = 10_000;
    /** Fewer pairs than this give an interval too unreliable to decide a target on. */
    static final int FEWEST_PAIRS_FOR_A_VERDICT = 5;
    private static final long SEED = 0x5EED_2013L;

    static RatioEstimate of(double[] ratios) {
        if (ratios.length == 0) {
            throw new IllegalArgumentException("no pairs to estimate a ratio from");
        }
        SplittableRandom random = new SplittableRandom(SEED);
        double[] medians = new double[RESAMPLES];
        double[] resample = new double[ratios.length];
        for (int i = 0; i < RESAMPLES; i++) {
            for (int j = 0; j < resample.length; j++) {
                resample[j] = ratios[random.nextInt(ratios.length)];
            }
            medians[i] = median(resample);
        }
        Arrays.sort(medians);
        return new RatioEstimate(median(ratios), percentile(medians, 2.5), percentile(medians, 97.5), ratios.length);
    }

    /** The middle value, or the mean of the two middle ones; NaN for none. */
    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** Linear interpolation between the closest ranks of an ascending array. */
    private static double percentile(double[] sorted, double percent) {
        double rank = percent / 100 * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }

    /** Whether two estimates' intervals share a value. */
    boolean overlaps(RatioEstimate other) {
        return low <= other.high && other.low <= high;
    }

    /** A target of at least {@code goal}: met when the interval clears it, missed when it lies below, undecided when it straddles. */
    Verdict against(double goal) {
        if (pairs < FEWEST_PAIRS_FOR_A_VERDICT) {
            return Verdict.UNDECIDED;
        }
        return low >= goal ? Verdict.MET : high < goal ? Verdict.MISSED : Verdict.UNDECIDED;
    }

    /** What a target's interval says about it. */
    enum Verdict {
        MET("met"), MISSED("**missed**"), UNDECIDED("undecided");

        final String markdown;

        Verdict(String markdown) {
            this.markdown = markdown;
        }
    }
}
