package dev.quota.core.demo;

import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;

/**
 * What to generate.
 *
 * @param users     users to create (about 2% of them without an active subscription)
 * @param days      days of history, ending with {@code lastDay}
 * @param messages  user messages to aim for in total; per-user caps at the plan limit may leave fewer
 * @param driftRate share of counters to corrupt on purpose, for the reconciler to find
 * @param seed      random seed: the same plan and seed give the same data
 */
public record SeedPlan(int users, int days, long messages, double driftRate, long seed, QuotaDay lastDay) {

    public SeedPlan {
        if (users < 1 || users > 50_000_000) {
            throw QuotaException.invalidInput("--users must be between 1 and 50000000, got " + users);
        }
        if (days < 1 || days > 366) {
            throw QuotaException.invalidInput("--days must be between 1 and 366, got " + days);
        }
        if (messages < 0 || messages > 2_000_000_000L) {
            throw QuotaException.invalidInput("--messages must be between 0 and 2000000000, got " + messages);
        }
        if (!(driftRate >= 0 && driftRate <= 1)) {
            throw QuotaException.invalidInput("--drift-rate must be between 0 and 1, got " + driftRate);
        }
    }
}
