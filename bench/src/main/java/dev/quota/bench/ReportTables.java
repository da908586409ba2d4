package dev.quota.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quota.core.strategy.GroupCommitChatPath;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The report's tables, in markdown, each from the run's results alone. */
final class ReportTables {

    private final BenchResults results;
    private final StringBuilder md;

    ReportTables(BenchResults results, StringBuilder md) {
        this.results = results;
        this.md = md;
    }

    void chatPath() {
        md.append("## Chat path: counter + message in one transaction\n\n");
        md.append("ops/s are accepted-or-refused `acceptMessage` calls per second; p50/p99 from JMH's sample-time mode. "
                + "The *ceilings* are pgbench running the atomic strategy's exact SQL, one message a transaction, on the same server: "
                + "with as many clients as the strategy has connections busy at once (*conns*: one per thread up to the pool, "
                + "group-commit's transactions in flight at most), and with as many clients as threads.\n\n");
        md.append("| strategy | workload | limits | threads | ops/s | p50 ms | p99 ms | conns | vs ceiling at conns | vs ceiling at threads |\n"
                + "|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        results.rows.stream().filter(r -> r.kind().equals("strategy") && r.path().equals("chat"))
                .sorted(BenchResults.byWorkloadLimitsSubjectThreads())
                .forEach(r -> {
                    int connections = BenchConnections.of(r.subject(), r.threads());
                    boolean accept = r.limits().equals("accept");
                    md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %,.0f | %s | %s | %d | %s | %s |\n", r.subject(),
                            r.workload(), r.limits(), r.threads(), r.opsPerSecond(), millis(r.p50Millis()), millis(r.p99Millis()),
                            connections, ratio(r.opsPerSecond(), accept ? results.ceiling.get(r.workload() + "/" + connections) : null),
                            ratio(r.opsPerSecond(), accept ? results.ceiling.get(r.workload() + "/" + r.threads()) : null)));
                });
    }

    /** Group commit next to atomic and the ceilings, with the batch size it reached. */
    void groupCommit() {
        List<BenchRow> group = results.rows.stream().filter(r -> r.strategyChat("accept") && r.subject().equals(GroupCommitChatPath.NAME))
                .sorted(Comparator.comparing(BenchRow::workload).thenComparingInt(BenchRow::threads)).toList();
        if (group.isEmpty()) {
            return;
        }
        md.append("\n## Group commit across users\n\n");
        md.append("*batch* is the mean number of messages per transaction `group-commit` reached in its trial (warm-up included; "
                + "a message served alone counts as a batch of one). The *batched ceiling* is pgbench running group commit's own batch "
                + "statement with that batch size and as many clients as its transactions in flight, in messages per second "
                + "(`PgbenchCeiling --batched`).\n\n");
        md.append("| workload | threads | group-commit ops/s | p99 ms | atomic ops/s | atomic p99 ms | vs atomic | batch "
                + "| per-message ceiling at its conns | batched ceiling msg/s | vs batched ceiling |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (BenchRow r : group) {
            Optional<BenchRow> atomic = results.find("atomic", "chat", r.workload(), r.threads());
            Double batch = results.batchSizes.get(r.workload() + "/" + r.threads());
            JsonNode limit = results.batchedCeiling.get(r.workload() + "/" + r.threads());
            Double perMessage = results.ceiling.get(r.workload() + "/" + BenchConnections.of(r.subject(), r.threads()));
            Double batchedMessages = limit == null ? null : limit.path("messages_per_second").asDouble();
            md.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %s | %s | %s | %s | %s | %s | %s | %s |\n", r.workload(),
                    r.threads(), r.opsPerSecond(), millis(r.p99Millis()),
                    atomic.map(a -> String.format(Locale.ROOT, "%,.0f", a.opsPerSecond())).orElse("-"),
                    millis(atomic.map(BenchRow::p99Millis).orElse(null)), ratio(r.opsPerSecond(), atomic.map(BenchRow::opsPerSecond).orElse(null)),
                    batch == null ? "-" : String.format(Locale.ROOT, "%.1f", batch),
                    perMessage == null ? "-" : String.format(Locale.ROOT, "%,.0f", perMessage),
                    limit == null ? "-" : String.format(Locale.ROOT, "%,.0f (%d clients x %d)", batchedMessages,
                            limit.path("clients").asInt(), limit.path("batch_size").asInt()),
                    ratio(r.opsPerSecond(), batchedMessages)));
        }
    }

    void counterAgainstBucket4j() {
        md.append("\n## Counter only, against Bucket4j\n\n");
        md.append("The strategies' counter path (no message row) next to Bucket4j's PostgreSQL proxy managers holding the same "
                + "daily limit, on the same database, workloads and pool size.\n\n");
        md.append("| subject | workload | limits | threads | ops/s | p99 ms | vs best Bucket4j |\n|---|---|---|---:|---:|---:|---:|\n");
        results.rows.stream().filter(r -> r.kind().equals("bucket4j") || r.path().equals("counter"))
                .sorted(BenchResults.byWorkloadLimitsSubjectThreads())
                .forEach(r -> md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %,.0f | %s | %s |\n", r.subject(), r.workload(),
                        r.limits(), r.threads(), r.opsPerSecond(), millis(r.p99Millis()),
                        ratio(r.opsPerSecond(), results.bestBucket4j(r.workload(), r.limits(), r.threads()).orElse(null)))));
    }

    /** The SQL API's function through the JVM (with the message) against atomic's chat path and pgbench calling it alone. */
    void sqlApi() {
        List<BenchRow> function = results.rows.stream().filter(r -> r.strategyChat("accept") && r.subject().equals("sql-function"))
                .sorted(Comparator.comparing(BenchRow::workload).thenComparingInt(BenchRow::threads)).toList();
        if (function.isEmpty()) {
            return;
        }
        md.append("\n## SQL API: quota.consume against the Java atomic path\n\n");
        md.append("`sql-function` calls `quota.consume` and stores the message in one statement; *pgbench* runs "
                + "`quota.consume` and the message insert as one statement in its own transaction, with as many clients as threads.\n\n");
        md.append("| workload | threads | sql-function ops/s | p99 ms | vs atomic chat path | pgbench quota.consume tps | vs pgbench |\n"
                + "|---|---:|---:|---:|---:|---:|---:|\n");
        for (BenchRow r : function) {
            Double atomic = results.opsOf("atomic", "chat", r.workload(), r.threads());
            Double pgbench = results.functionCeiling.get(r.workload() + "/" + r.threads());
            md.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %s | %s | %s | %s |\n", r.workload(), r.threads(), r.opsPerSecond(),
                    millis(r.p99Millis()), ratio(r.opsPerSecond(), atomic),
                    pgbench == null ? "-" : String.format(Locale.ROOT, "%,.0f", pgbench), ratio(r.opsPerSecond(), pgbench)));
        }
    }

    void userKeys() {
        comparison("keys", "User keys: bigint against uuid (chat path)", "strategy, keys");
    }

    void holds() {
        comparison("holds", "Holds: quota.consume against reserve, then store and settle", "flow");
    }

    /** The same failing replies charged by holds and by consume-then-refund ({@code quota simulate --replies}). */
    void failedReplies() {
        if (results.replies.isEmpty()) {
            return;
        }
        md.append("\n## Failed replies: holds against consume, then refund\n\n");
        md.append("The same traffic (`quota simulate`, 16 threads, users past their limits) with replies that take time, fail "
                + "or lose their caller. A refusal counts below when failed replies alone took the capacity that was missing: "
                + "a hold until it is released or, its caller dead, until its TTL; a consumed unit until it is refunded or, "
                + "its caller dead, for the rest of the day.\n\n");
        md.append("| flow | delivered | failed | callers killed | refused | refused while failed replies took the capacity | msg/s |\n"
                + "|---|---:|---:|---:|---:|---:|---:|\n");
        for (JsonNode run : results.replies) {
            JsonNode replies = run.path("replies");
            md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %,d | %,d | %,d | %,d |\n", replies.path("mode").asText(),
                    replies.path("delivered").asLong(), replies.path("failed").asLong(), replies.path("killed").asLong(),
                    run.path("blocked").asLong(), replies.path("refused_for_failed_replies").asLong(),
                    run.path("throughput_per_second").asLong()));
        }
        md.append("\nEach run: `").append(results.repliesCommand).append("`.\n");
    }

    /** The rows of one side comparison of the run ({@code kind}), as a table. */
    private void comparison(String kind, String title, String subject) {
        List<BenchRow> rows = results.rows.stream().filter(r -> r.kind().equals(kind))
                .sorted(Comparator.comparing(BenchRow::workload).thenComparing(BenchRow::subject)).toList();
        if (rows.isEmpty()) {
            return;
        }
        md.append("\n## ").append(title).append("\n\n");
        md.append("| ").append(subject).append(" | workload | threads | ops/s | p50 ms | p99 ms |\n|---|---|---:|---:|---:|---:|\n");
        rows.forEach(r -> md.append(String.format(Locale.ROOT, "| %s | %s | %d | %,.0f | %s | %s |\n", r.subject(), r.workload(),
                r.threads(), r.opsPerSecond(), millis(r.p50Millis()), millis(r.p99Millis()))));
    }

    void coalescingLinger() {
        List<BenchRow> lingerRows = results.rows.stream().filter(r -> r.kind().equals("linger"))
                .sorted(Comparator.comparingInt(BenchRow::threads)
                        .thenComparingInt(r -> Integer.parseInt(r.subject().replaceAll("\\D*(\\d+) us.*", "$1"))))
                .toList();
        if (lingerRows.isEmpty()) {
            return;
        }
        md.append("\n## Coalescing: throughput against linger (hot user, chat path)\n\n");
        md.append("| settings | threads | ops/s | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|\n");
        lingerRows.forEach(r -> md.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %s | %s |\n", r.subject(), r.threads(),
                r.opsPerSecond(), millis(r.p50Millis()), millis(r.p99Millis()))));
        md.append("\nThe strategy table above runs coalescing with its defaults: linger 0 (a batch takes whatever queued while "
                + "the previous one ran), at most 128 messages a batch.\n");
    }

    void groupCommitSettings() {
        List<BenchRow> settingsRows = results.rows.stream().filter(r -> r.kind().equals("settings"))
                .sorted(Comparator.comparing(BenchRow::workload).thenComparing(BenchRow::subject)).toList();
        if (settingsRows.isEmpty()) {
            return;
        }
        md.append("\n## Group commit: transactions in flight and linger (chat path)\n\n");
        md.append("| settings | workload | threads | ops/s | p50 ms | p99 ms |\n|---|---|---:|---:|---:|---:|\n");
        settingsRows.forEach(r -> md.append(String.format(Locale.ROOT, "| %s | %s | %d | %,.0f | %s | %s |\n", r.subject(), r.workload(),
                r.threads(), r.opsPerSecond(), millis(r.p50Millis()), millis(r.p99Millis()))));
        md.append(String.format(Locale.ROOT, "%nThe strategy table runs group-commit with its defaults: %d in flight (one per core), "
                + "linger 0, at most %d messages a batch.%n", GroupCommitChatPath.DEFAULT_MAX_IN_FLIGHT, GroupCommitChatPath.DEFAULT_MAX_BATCH));
    }

    static String millis(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.2f", value);
    }

    static String ratio(double value, Double reference) {
        return reference == null || reference == 0 ? "-" : String.format(Locale.ROOT, "%.2fx", value / reference);
    }
}
