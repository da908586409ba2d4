package dev.quota.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quota.core.strategy.BatchingChatPath;
import dev.quota.core.strategy.GroupCommitChatPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The batch sizes the batching strategies reached, one JSON line per JMH trial, in the file
 * {@code scripts/bench} names with {@value #VARIABLE}: the batched pgbench ceiling is run at
 * these sizes and the report prints them.
 */
final class BatchSizes {

    static final String VARIABLE = "QUOTA_BENCH_BATCH_SIZES";
    /** The file's name in the results folder. */
    static final String FILE = "batch-sizes.jsonl";

    /** A group-commit trial of the chat path that accepts: what the batched ceiling is measured for. */
    record Trial(String workload, int threads, double meanBatchSize) {
    }

    private BatchSizes() {
    }

    /** Appends the trial's mean batch size (warm-up included), when the variable names a file. */
    static void record(BenchmarkParams params, BatchingChatPath path) {
        String file = System.getenv(VARIABLE);
        if (file == null || file.isBlank()) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("benchmark", params.getBenchmark());
        line.put("strategy", path.name());
        for (String key : params.getParamsKeys()) {
            line.put(key, params.getParam(key));
        }
        line.put("threads", params.getThreads());
        line.put("transactions", path.transactions());
        line.put("served", path.served());
        line.put("mean_batch_size", path.meanBatchSize());
        try {
            Files.writeString(Path.of(file), new ObjectMapper().writeValueAsString(line) + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the batch size in " + file, e);
        }
    }

    /**
     * The strategy table's group-commit trials on the chat path with the limit never reached,
     * one per workload and thread count (JMH runs each configuration once per mode: the last wins).
     */
    static List<Trial> groupCommitTrials(Path file) throws IOException {
        Map<String, Trial> trials = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return List.of();
        }
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(file)) {
            JsonNode trial = json.readTree(line);
            if (trial.path("strategy").asText().equals(GroupCommitChatPath.NAME) && trial.path("benchmark").asText().contains("Consumption")
                    && trial.path("path").asText().equals("chat") && trial.path("limits").asText().equals("accept")) {
                Trial parsed = new Trial(trial.path("workload").asText(), trial.path("threads").asInt(), trial.path("mean_batch_size").asDouble());
                trials.put(parsed.workload() + "/" + parsed.threads(), parsed);
            }
        }
        return List.copyOf(trials.values());
    }

    /** Those trials' mean batch sizes by "workload/threads". */
    static Map<String, Double> read(Path file) throws IOException {
        Map<String, Double> sizes = new LinkedHashMap<>();
        groupCommitTrials(file).forEach(trial -> sizes.put(trial.workload() + "/" + trial.threads(), trial.meanBatchSize()));
        return sizes;
    }
}
