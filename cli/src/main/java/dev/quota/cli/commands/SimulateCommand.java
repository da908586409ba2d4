package dev.quota.cli.commands;

import dev.quota.cli.ExitCodes;
import dev.quota.cli.Invocation;
import dev.quota.cli.Output;
import dev.quota.cli.ProgressLine;
import dev.quota.cli.StrategyOption;
import dev.quota.cli.TextTable;
import dev.quota.cli.simulate.ReplyMode;
import dev.quota.cli.simulate.ReplySettings;
import dev.quota.cli.simulate.ReplyTally;
import dev.quota.cli.simulate.Simulation;
import dev.quota.cli.simulate.SimulationResult;
import dev.quota.cli.simulate.SimulationSettings;
import dev.quota.core.db.MessagesDistribution;
import dev.quota.core.strategy.Strategies;
import dev.quota.core.workload.Workload;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Simulate concurrent chat traffic with a strategy in a throw-away schema, then check the invariants.",
                "Exits 1 when one is broken."})
public final class SimulateCommand implements Callable<Integer> {

    private final Invocation invocation;

    SimulateCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Mixin
    StrategyOption strategy;

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

    @Option(names = "--keep", description = "Keep the simulation schema afterwards (its name is printed; the prune step drops it a day later)")
    boolean keep;

    @Option(names = "--replies", defaultValue = "none", paramLabel = "MODE",
            description = {"How a message whose reply takes time is charged: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
                    "hold: reserve, write the reply, then settle with the message or release; refund: consume, then refund a failed reply"})
    ReplyMode replies;

    @Option(names = "--reply-latency", defaultValue = "0", paramLabel = "MS",
            description = "Mean time a reply takes, uniform from 0 to twice it, in ms (default: ${DEFAULT-VALUE})")
    long replyLatencyMs;

    @Option(names = "--reply-failures", defaultValue = "0", paramLabel = "PCT",
            description = "Replies that fail, in percent: released or refunded (default: ${DEFAULT-VALUE})")
    int replyFailures;

    @Option(names = "--killed-callers", defaultValue = "0", paramLabel = "PCT",
            description = "Callers that die mid-reply, in percent: their hold waits for its TTL, their refund never comes (default: ${DEFAULT-VALUE})")
    int killedCallers;

    @Option(names = "--hold-ttl", defaultValue = "2000", paramLabel = "MS",
            description = "How long a hold lasts at most, in ms (default: ${DEFAULT-VALUE})")
    long holdTtlMs;

    @Option(names = "--messages-by", defaultValue = "user", paramLabel = "KEY",
            description = {"On a Citus coordinator, what the throw-away stand-in distributes its messages by: user (co-located "
                    + "with the counters) or conversation (a co-location group of their own, as a product's conversations) "
                    + "(default: ${DEFAULT-VALUE})"})
    String messagesBy;

    @Override
    public Integer call() {
        SimulationSettings settings = new SimulationSettings(users, requests, threads, limit, distribution, chaos, seed, keep,
                new ReplySettings(replies, Duration.ofMillis(replyLatencyMs), replyFailures, killedCallers, Duration.ofMillis(holdTtlMs)),
                MessagesDistribution.fromCode(messagesBy));
        String name = Strategies.canonical(strategy.name());
        var database = invocation.session(false).database();
        Output output = invocation.output();
        output.note("Simulating " + requests + " messages from " + users + " users on " + threads + " threads with the "
                + name + " strategy (" + distribution + (chaos ? ", chaos" : "") + describe(settings.replies())
                + (settings.messages() == MessagesDistribution.BY_USER ? "" : ", messages by " + settings.messages().code()) + ") on "
                + database.describe());
        SimulationResult result;
        try (ProgressLine progress = invocation.progress()) {
            result = new Simulation(database.config(), jdbi -> Strategies.open(name, jdbi), settings, invocation.clock())
                    .run(done -> progress.update("messages", done, settings.requests()));
        }
        output.result(Simulated.of(result), invocation::requestId, out -> print(out, output, result));
        if (!result.passed()) {
            output.note(output.style("bold,red", "INVARIANT BROKEN") + ": " + result.problems().get(0));
            return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
    }

    private static String describe(ReplySettings replies) {
        return replies.mode() == ReplyMode.none ? "" : ", replies by " + replies.mode() + " taking " + replies.latency().toMillis()
                + " ms on average, " + replies.failurePercent() + "% failing, " + replies.killedPercent() + "% of callers killed";
    }

    record Latency(double p50, double p95, double p99, double max) {
    }

    record Invariants(boolean passed, long countersChecked, long countersAboveLimit, long countersOffLog, List<String> problems) {
    }

    /** The JSON shape of a simulation. */
    record Simulated(String strategy, String schema, long accepted, long blocked, Map<String, Long> errors, long expectedBlocked,
                     long terminatedBackends, double elapsedSeconds, long throughputPerSecond, Latency latencyMs,
                     Invariants invariants, ReplyTally replies) {
        static Simulated of(SimulationResult result) {
            Histogram latency = result.latency();
            return new Simulated(result.strategy(), result.schema(), result.accepted(), result.blocked(), result.errors(),
                    result.expectedBlocked(), result.terminatedBackends(), result.elapsed().toMillis() / 1000.0,
                    Math.round(result.throughput()),
                    new Latency(latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(95) / 1000.0,
                            latency.getValueAtPercentile(99) / 1000.0, latency.getMaxValue() / 1000.0),
                    new Invariants(result.passed(), result.invariants().counters(), result.invariants().aboveLimit(),
                            result.invariants().offLog(), result.problems()),
                    result.replies().mode() == ReplyMode.none ? null : result.replies());
        }
    }

    private static String replies(ReplyTally replies) {
        if (replies.mode() == ReplyMode.none) {
            return "none (consumed at once)";
        }
        String sampled = replies.mode() == ReplyMode.hold
                ? String.format(", quota.status read %,d times, %,d above the limit", replies.readings(), replies.aboveLimit()) : "";
        return String.format("%s: %,d delivered, %,d failed, %,d callers killed, %,d settled late; %,d refusals while failed replies"
                + " took the capacity%s", replies.mode(), replies.delivered(), replies.failed(), replies.killed(), replies.lateSettles(),
                replies.refusedForFailedReplies(), sampled);
    }

    private static void print(PrintWriter out, Output output, SimulationResult result) {
        Histogram latency = result.latency();
        TextTable.keyValues(out, List.of(
                new String[] {"Strategy", result.strategy()},
                new String[] {"Accepted", String.format("%,d", result.accepted())},
                new String[] {"Blocked", result.replies().mode() == ReplyMode.none
                        ? String.format("%,d (expected %,d)", result.blocked(), result.expectedBlocked())
                        // a failed reply gives its unit back: how many are refused depends on when
                        : String.format("%,d (%,d attempts beyond the limits)", result.blocked(), result.expectedBlocked())},
                new String[] {"Errors", result.errorCount() == 0 ? "0" : result.errorCount() + " " + result.errors()},
                new String[] {"Backends killed", Long.toString(result.terminatedBackends())},
                new String[] {"Elapsed", String.format("%.2f s", result.elapsed().toMillis() / 1000.0)},
                new String[] {"Throughput", String.format("%,.0f msg/s", result.throughput())},
                new String[] {"Latency", String.format("p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms",
                        latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(95) / 1000.0,
                        latency.getValueAtPercentile(99) / 1000.0, latency.getMaxValue() / 1000.0)},
                new String[] {"Replies", replies(result.replies())},
                new String[] {"Invariants", result.passed()
                        ? output.style("bold,green", "hold") + " (" + result.invariants().counters() + " counters checked)"
                        : output.style("bold,red", "BROKEN")}));
        for (String problem : result.problems()) {
            out.println("  " + problem);
        }
    }
}
