package dev.quota.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What one bench run measured, read from its folder: the JMH results ({@code jmh-*.json}),
 * the pgbench ceilings ({@code ceiling*.json}), group commit's batch sizes and the machine.
 * The lookups the report's tables and targets share live here.
 */
final class BenchResults {

    private static final ObjectMapper JSON = new ObjectMapper();

    final List<BenchRow> rows;
    /** pgbench running the atomic statement, tps by "workload/clients". */
    final Map<String, Double> ceiling;
    /** pgbench running quota.consume, tps by "workload/clients". */
    final Map<String, Double> functionCeiling;
    /** pgbench running group commit's batch statement, its row by "workload/threads". */
    final Map<String, JsonNode> batchedCeiling;
    final Map<String, Double> batchSizes;
    final String machine;
    final String serverVersion;
    /** {@code quota simulate --replies} runs, one JSON envelope a line: the same failing replies with refunds and with holds. */
    final List<JsonNode> replies;
    final String repliesCommand;

    private BenchResults(Path dir) throws IOException {
        rows = rows(dir);
        ceiling = ceiling(dir.resolve("ceiling.json"));
        functionCeiling = ceiling(dir.resolve("ceiling-sql-function.json"));
        batchedCeiling = batched(dir.resolve("ceiling-batched.json"));
        batchSizes = BatchSizes.read(dir.resolve(BatchSizes.FILE));
        machine = Files.readString(dir.resolve("machine.txt")).strip();
        // a full run keeps them under holds/, a holds-only run (scripts/bench-holds) beside its other files
        Path holds = Files.isDirectory(dir.resolve("holds")) ? dir.resolve("holds") : dir;
        replies = jsonLines(holds.resolve(REPLIES));
        repliesCommand = Files.exists(holds.resolve(REPLIES_COMMAND)) ? Files.readString(holds.resolve(REPLIES_COMMAND)).strip() : "";
        serverVersion = Files.exists(dir.resolve("ceiling.json"))
                ? JSON.readTree(dir.resolve("ceiling.json").toFile()).path("server_version").asText("?") : "?";
    }

    static final String REPLIES = "replies.jsonl";
    static final String REPLIES_COMMAND = "replies-command.txt";

    private static List<JsonNode> jsonLines(Path file) throws IOException {
        List<JsonNode> lines = new java.util.ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    lines.add(JSON.readTree(line).path("data"));
                }
            }
        }
        return lines;
    }

    static BenchResults read(Path dir) throws IOException {
        return new BenchResults(dir);
    }

    /** A strategy's chat or counter path, limits never reached. */
    Optional<BenchRow> find(String strategy, String path, String workload, int threads) {
        return rows.stream().filter(r -> r.kind().equals("strategy") && r.subject().equals(strategy) && r.path().equals(path)
                && r.workload().equals(workload) && r.limits().equals("accept") && r.threads() == threads).findFirst();
    }

    /** A flow of the hold comparison (consume, reserve-settle), by its messages a second. */
    Double opsOfFlow(String flow, String workload, int threads) {
        return rows.stream().filter(r -> r.kind().equals("holds") && r.subject().equals(flow) && r.workload().equals(workload)
                && r.threads() == threads).map(BenchRow::opsPerSecond).findFirst().orElse(null);
    }

    /** A strategy's chat path with its users keyed by {@code keys} (bigint, uuid), from the key-type comparison. */
    Double opsByKeys(String strategy, String keys, String workload, int threads) {
        return rows.stream().filter(r -> r.kind().equals("keys") && r.subject().equals(strategy + " by " + keys)
                && r.workload().equals(workload) && r.threads() == threads).map(BenchRow::opsPerSecond).findFirst().orElse(null);
    }

    Double opsOf(String strategy, String path, String workload, int threads) {
        return find(strategy, path, workload, threads).map(BenchRow::opsPerSecond).orElse(null);
    }

    Optional<Double> bestBucket4j(String workload, String limits, int threads) {
        return rows.stream().filter(r -> r.kind().equals("bucket4j") && r.workload().equals(workload) && r.limits().equals(limits)
                && r.threads() == threads).map(BenchRow::opsPerSecond).max(Double::compare);
    }

    /** Throughput and sample-time results of the same configuration, joined into rows. */
    private static List<BenchRow> rows(Path dir) throws IOException {
        Map<String, BenchRow> identity = new LinkedHashMap<>();
        Map<String, Double> throughput = new LinkedHashMap<>();
        Map<String, double[]> latency = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("jmh-") && f.toString().endsWith(".json"))
                    .sorted().toList()) {
                for (JmhResult result : JSON.readValue(file.toFile(), JmhResult[].class)) {
                    BenchRow id = identify(result);
                    String key = id.subject() + "|" + id.workload() + "|" + id.limits() + "|" + id.path() + "|" + id.threads();
                    identity.put(key, id);
                    if ("thrpt".equals(result.mode())) {
                        throughput.put(key, result.primaryMetric().score());
                    } else if ("sample".equals(result.mode())) {
                        latency.put(key, new double[] {result.primaryMetric().percentileMillis("50.0"),
                                result.primaryMetric().percentileMillis("99.0")});
                    }
                }
            }
        }
        List<BenchRow> rows = new ArrayList<>();
        identity.forEach((key, id) -> {
            if (throughput.containsKey(key)) {
                double[] lat = latency.get(key);
                rows.add(new BenchRow(id.subject(), id.kind(), id.workload(), id.limits(), id.path(), id.threads(), throughput.get(key),
                        lat == null ? null : lat[0], lat == null ? null : lat[1]));
            }
        });
        return rows;
    }

    /** Which configuration a result measured: its subject, kind, workload, limits, path and threads. */
    private static BenchRow identify(JmhResult result) {
        boolean bucket4j = result.of("Bucket4j");
        boolean linger = result.of("CoalescingLinger");
        boolean settings = result.of("GroupCommitSettings");
        boolean keys = result.of("UserKeyBenchmark");
        boolean holds = result.of("HoldBenchmark");
        String subject = bucket4j ? "bucket4j " + result.param("manager")
                        + ("batching".equals(result.param("optimization")) ? " + batching" : "")
                : linger ? "coalescing, linger " + result.param("lingerMicros") + " us, batch <= " + result.param("maxBatch")
                : settings ? "group-commit, " + result.param("inFlight") + " in flight, linger " + result.param("lingerMicros") + " us"
                : keys ? result.param("strategy") + " by " + result.param("keys")
                : holds ? result.param("flow")
                : result.param("strategy");
        String kind = bucket4j ? "bucket4j" : linger ? "linger" : settings ? "settings" : keys ? "keys" : holds ? "holds" : "strategy";
        String path = bucket4j ? "counter" : linger || settings || keys || holds ? "chat" : result.param("path");
        String workload = linger ? "hot" : result.param("workload");
        String limits = linger || settings || keys || holds ? "accept" : result.param("limits");
        return new BenchRow(subject, kind, workload, limits, path, result.threads(), 0, null, null);
    }

    private static Map<String, Double> ceiling(Path file) throws IOException {
        Map<String, Double> ceiling = new LinkedHashMap<>();
        if (Files.exists(file)) {
            for (JsonNode row : JSON.readTree(file.toFile()).path("results")) {
                ceiling.put(row.path("workload").asText() + "/" + row.path("threads").asInt(), row.path("tps").asDouble());
            }
        }
        return ceiling;
    }

    private static Map<String, JsonNode> batched(Path file) throws IOException {
        Map<String, JsonNode> batched = new LinkedHashMap<>();
        if (Files.exists(file)) {
            for (JsonNode row : JSON.readTree(file.toFile()).path("results")) {
                batched.put(row.path("workload").asText() + "/" + row.path("threads").asInt(), row);
            }
        }
        return batched;
    }

    static Comparator<BenchRow> byWorkloadLimitsSubjectThreads() {
        return Comparator.comparing(BenchRow::workload).thenComparing(BenchRow::limits).thenComparing(BenchRow::subject)
                .thenComparingInt(BenchRow::threads);
    }
}
