package dev.quota.cli.commands;

import dev.quota.cli.ExitCodes;
import dev.quota.cli.Output;
import dev.quota.cli.QuotaCommand;
import dev.quota.cli.TextTable;
import dev.quota.core.workload.Workload;
import dev.quota.cli.simulate.Simulation;
import dev.quota.cli.simulate.SimulationResult;
import dev.quota.cli.simulate.SimulationSettings;
import dev.quota.core.strategy.ConsumptionStrategy;
import dev.quota.core.strategy.Strategies;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Simulate concurrent chat traffic through acceptMessage with a strategy, in a throw-away schema,",
                "then check the invariants. Exits 1 when one is broken."})
public final class SimulateCommand implements Callable<Integer> {

    @ParentCommand
    QuotaCommand root;

    @Option(names = "--users", defaultValue = "100", paramLabel = "N", description = "Virtual users (default: ${DEFAULT-VALUE})")
    int users;

    @Option(names = "--requests", defaultValue = "10000", paramLabel = "M", description = "Messages sent in total (default: ${DEFAULT-VALUE})")
    long requests;

    @Option(names = "--threads", defaultValue = "16", paramLabel = "T", description = "Concurrent senders (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--limit", defaultValue = "50", paramLabel = "L", description = "Daily limit of every virtual user (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--distribution", defaultValue = "uniform", paramLabel = "D",
            description = "Traffic over users: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Workload distribution;

    @Option(names = "--chaos", description = "Terminate random database backends during the run")
    boolean chaos;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "X", description = "Random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--keep", description = "Keep the simulation schema afterwards (its name is printed)")
    boolean keep;

    @Override
    public Integer call() {
        SimulationSettings settings = new SimulationSettings(users, requests, threads, limit, distribution, chaos, seed, keep);
        ConsumptionStrategy strategy = Strategies.named(root.strategyName());
        var database = root.session(false).database();
        Output output = root.output();
        output.note("Simulating " + requests + " messages from " + users + " users on " + threads + " threads with the "
                + strategy.name() + " strategy (" + distribution + (chaos ? ", chaos" : "") + ") on " + database.describe());
        SimulationResult result = new Simulation(database.config(), strategy, settings, root.context().clock())
                .run(progressBar(output, settings));
        output.result(view(result), root.requestId(), out -> print(out, output, result));
        if (!result.passed()) {
            output.note(output.style("bold,red", "INVARIANT BROKEN") + ": " + result.problems().get(0));
            return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
    }

    private LongConsumer progressBar(Output output, SimulationSettings settings) {
        if (!root.context().interactive() || output.json()) {
            return done -> { };
        }
        long started = System.nanoTime();
        return done -> {
            int width = 30;
            int filled = (int) (width * done / settings.requests());
            double seconds = (System.nanoTime() - started) / 1e9;
            output.err().printf("\r[%s%s] %3d%%  %,d/%,d  %,.0f msg/s ", "#".repeat(filled), " ".repeat(width - filled),
                    100 * done / settings.requests(), done, settings.requests(), seconds == 0 ? 0 : done / seconds);
            if (done >= settings.requests()) {
                output.err().println();
            }
            output.err().flush();
        };
    }

    private static Map<String, Object> view(SimulationResult result) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("strategy", result.strategy());
        data.put("schema", result.schema());
        data.put("accepted", result.accepted());
        data.put("blocked", result.blocked());
        data.put("errors", result.errors());
        data.put("expected_blocked", result.expectedBlocked());
        data.put("terminated_backends", result.terminatedBackends());
        data.put("elapsed_seconds", result.elapsed().toMillis() / 1000.0);
        data.put("throughput_per_second", Math.round(result.throughput()));
        Histogram latency = result.latency();
        Map<String, Object> millis = new LinkedHashMap<>();
        millis.put("p50", latency.getValueAtPercentile(50) / 1000.0);
        millis.put("p95", latency.getValueAtPercentile(95) / 1000.0);
        millis.put("p99", latency.getValueAtPercentile(99) / 1000.0);
        millis.put("max", latency.getMaxValue() / 1000.0);
        data.put("latency_ms", millis);
        Map<String, Object> invariants = new LinkedHashMap<>();
        invariants.put("passed", result.passed());
        invariants.put("counters_checked", result.invariants().counters());
        invariants.put("counters_above_limit", result.invariants().aboveLimit());
        invariants.put("counters_off_log", result.invariants().offLog());
        invariants.put("problems", result.problems());
        data.put("invariants", invariants);
        return data;
    }

    private static void print(PrintWriter out, Output output, SimulationResult result) {
        Histogram latency = result.latency();
        TextTable.keyValues(out, List.of(
                new String[] {"Strategy", result.strategy()},
                new String[] {"Accepted", String.format("%,d", result.accepted())},
                new String[] {"Blocked", String.format("%,d (expected %,d)", result.blocked(), result.expectedBlocked())},
                new String[] {"Errors", result.errorCount() == 0 ? "0" : result.errorCount() + " " + result.errors()},
                new String[] {"Backends killed", Long.toString(result.terminatedBackends())},
                new String[] {"Elapsed", String.format("%.2f s", result.elapsed().toMillis() / 1000.0)},
                new String[] {"Throughput", String.format("%,.0f msg/s", result.throughput())},
                new String[] {"Latency", String.format("p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms",
                        latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(95) / 1000.0,
                        latency.getValueAtPercentile(99) / 1000.0, latency.getMaxValue() / 1000.0)},
                new String[] {"Invariants", result.passed()
                        ? output.style("bold,green", "hold") + " (" + result.invariants().counters() + " counters checked)"
                        : output.style("bold,red", "BROKEN")}));
        for (String problem : result.problems()) {
            out.println("  " + problem);
        }
    }
}
