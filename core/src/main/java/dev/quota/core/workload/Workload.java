package dev.quota.core.workload;

import java.util.SplittableRandom;

/**
 * How simulated traffic spreads over users: the simulator and the benchmarks draw users
 * the same way, so their numbers describe the same workloads.
 */
public enum Workload {
    /** Every user equally likely. */
    uniform,
    /** Every request on one user: the worst case for a per-counter lock. */
    hot,
    /** Zipf (s = 1.1): a few users get most of the traffic, as in real chat products. */
    zipf;

    /** Zipf's exponent: pgbench's {@code random_zipfian} is given the same value. */
    public static final double ZIPF_EXPONENT = 1.1;

    /** A sampler of user indexes in {@code [0, users)}. */
    public Sampler sampler(int users) {
        return switch (this) {
            case uniform -> random -> random.nextInt(users);
            case hot -> random -> 0;
            case zipf -> zipfSampler(users);
        };
    }

    private static Sampler zipfSampler(int users) {
        double[] cumulative = new double[users];
        double sum = 0;
        for (int i = 0; i < users; i++) {
            sum += 1.0 / Math.pow(i + 1, ZIPF_EXPONENT);
            cumulative[i] = sum;
        }
        double total = sum;
        return random -> {
            int index = java.util.Arrays.binarySearch(cumulative, random.nextDouble() * total);
            return Math.min(users - 1, index >= 0 ? index : -index - 1);
        };
    }

    @FunctionalInterface
    public interface Sampler {
        int next(SplittableRandom random);
    }
}
