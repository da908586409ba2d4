package dev.quota.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quota.core.strategy.GroupCommitChatPath;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The report's targets: each a measured ratio against what it was wanted to reach, met or missed. */
final class BenchTargets {

    private final BenchResults results;
    private final StringBuilder md;

    private BenchTargets(BenchResults results, StringBuilder md) {
        this.results = results;
        this.md = md;
    }

    static void write(BenchResults results, StringBuilder md) {
        new BenchTargets(results, md).write();
    }

    private void write() {
        md.append("\n## Targets\n\n");
        for (String workload : List.of("hot", "uniform")) {
            target("atomic chat path on `" + workload + "` at 16 threads vs the per-message ceiling at its connections", 0.85,
                    results.opsOf("atomic", "chat", workload, 16), results.ceiling.get(workload + "/" + BenchConnections.of("atomic", 16)));
        }
        target("coalescing chat path on `hot` at 16 threads vs atomic's", 4.0,
                results.opsOf("coalescing", "chat", "hot", 16), results.opsOf("atomic", "chat", "hot", 16));
        p99NoWorse("coalescing", "hot");
        groupCommit();
        userKeys();
        hold();
    }

    /** The targets of a holds-only run ({@code scripts/bench-holds}). */
    static void writeHolds(BenchResults results, StringBuilder md) {
        BenchTargets targets = new BenchTargets(results, md);
        md.append("\n## Targets\n\n");
        targets.hold();
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

    private void groupCommit() {
        String name = GroupCommitChatPath.NAME;
        target(name + " on `uniform` at 16 threads vs atomic's", 3.0,
                results.opsOf(name, "chat", "uniform", 16), results.opsOf("atomic", "chat", "uniform", 16));
        target(name + " on `uniform` at 16 threads vs the per-message ceiling at its connections (above it)", 1.0,
                results.opsOf(name, "chat", "uniform", 16), results.ceiling.get("uniform/" + BenchConnections.of(name, 16)));
        target(name + " on `hot` at 16 threads vs atomic's", 7.0,
                results.opsOf(name, "chat", "hot", 16), results.opsOf("atomic", "chat", "hot", 16));
        for (String workload : List.of("hot", "uniform")) {
            JsonNode limit = results.batchedCeiling.get(workload + "/16");
            target(name + " on `" + workload + "` at 16 threads vs the batched ceiling at its batch size", 0.7,
                    results.opsOf(name, "chat", workload, 16), limit == null ? null : limit.path("messages_per_second").asDouble());
        }
        for (String workload : List.of("hot", "uniform")) {
            target(name + " on `" + workload + "` at 1 thread vs atomic's", 0.9,
                    results.opsOf(name, "chat", workload, 1), results.opsOf("atomic", "chat", workload, 1));
        }
        for (String workload : List.of("hot", "uniform")) {
            p99NoWorse(name, workload);
        }
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
        md.append(String.format(Locale.ROOT, "- %s: **%.2fx** (%,.0f vs %,.0f ops/s), target %.2fx: %s\n", what, ratio, measured,
                reference, wanted, ratio >= wanted ? "met" : "**missed**"));
    }

    private void p99NoWorse(String strategy, String workload) {
        Double mine = results.find(strategy, "chat", workload, 16).map(BenchRow::p99Millis).orElse(null);
        Double atomics = results.find("atomic", "chat", workload, 16).map(BenchRow::p99Millis).orElse(null);
        if (mine == null || atomics == null) {
            md.append("- ").append(strategy).append(" p99 on `").append(workload).append("` at 16 threads: not measured in this run\n");
        } else {
            md.append(String.format(Locale.ROOT, "- %s p99 on `%s` at 16 threads: %.2f ms vs atomic's %.2f ms, target no worse: %s%n",
                    strategy, workload, mine, atomics, mine <= atomics ? "met" : "**missed**"));
        }
    }
}
