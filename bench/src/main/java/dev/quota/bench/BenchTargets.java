package dev.quota.bench;

import dev.quota.core.strategy.GroupCommitChatPath;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The targets only the full profile's JMH runs measure: the counter path against Bucket4j,
 * the key types and the holds. Each is one trial of each side, so it has no interval, and
 * the report marks it undecided beside its single ratio; the strategies' targets are decided
 * from the paired runs' intervals ({@link PairedReport}).
 */
final class BenchTargets {

    private final BenchResults results;
    private final StringBuilder md;

    private BenchTargets(BenchResults results, StringBuilder md) {
        this.results = results;
        this.md = md;
    }

    static void write(BenchResults results, StringBuilder md) {
        BenchTargets targets = new BenchTargets(results, md);
        targets.heading();
        targets.counterAgainstBucket4j();
        targets.userKeys();
        targets.hold();
    }

    /** The targets of a holds-only run ({@code scripts/bench-holds}). */
    static void writeHolds(BenchResults results, StringBuilder md) {
        BenchTargets targets = new BenchTargets(results, md);
        targets.heading();
        targets.hold();
    }

    private void heading() {
        md.append("\n## Targets measured once (JMH)\n\n")
                .append("One trial of each side, so no interval: each is undecided, whatever its single ratio says.\n\n");
    }

    private void hold() {
        target("a message through a hold (reserve, then store and settle: two transactions) on `uniform` at 16 threads "
                + "vs quota.consume (one)", 0.5, results.opsOfFlow("reserve-settle", "uniform", 16), results.opsOfFlow("consume", "uniform", 16));
    }

    /** A product keyed by uuid pays at most 15% for it, on the SQL API and on group commit. */
    private void userKeys() {
        for (String strategy : List.of("sql-function", GroupCommitChatPath.NAME)) {
            target(strategy + " on `uniform` at 16 threads, users keyed by uuid vs by bigint", 0.85,
                    results.opsByKeys(strategy, "uuid", "uniform", 16), results.opsByKeys(strategy, "bigint", "uniform", 16));
        }
    }

    private void counterAgainstBucket4j() {
        for (String workload : List.of("hot", "uniform")) {
            Optional<BenchRow> best = results.rows.stream().filter(r -> r.kind().equals("strategy") && r.path().equals("counter")
                    && r.workload().equals(workload) && r.limits().equals("accept") && r.threads() == 16)
                    .max(Comparator.comparingDouble(BenchRow::opsPerSecond));
            target("counter path on `" + workload + "` at 16 threads (" + best.map(BenchRow::subject).orElse("-")
                            + ") vs Bucket4j's best configuration, batching included", 1.5,
                    best.map(BenchRow::opsPerSecond).orElse(null), results.bestBucket4j(workload, "accept", 16).orElse(null));
        }
    }

    private void target(String what, double wanted, Double measured, Double reference) {
        if (measured == null || reference == null) {
            md.append("- ").append(what).append(": not measured in this run\n");
            return;
        }
        double ratio = measured / reference;
        md.append(String.format(Locale.ROOT, "- %s: %.2fx in one trial (%,.0f vs %,.0f ops/s), goal %.2fx: undecided\n", what, ratio, measured,
                reference, wanted));
    }
}
