package dev.quota.bench;

import dev.quota.core.strategy.AtomicStrategy;
import dev.quota.core.strategy.CoalescingChatPath;
import dev.quota.core.strategy.GroupCommitChatPath;
import dev.quota.core.strategy.SqlFunctionChatPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * One headline comparison of a paired run: a contender against another of the same cell,
 * one ratio per round from the two trials of that round, never a ratio of two medians.
 *
 * @param measure throughput ({@code subject / against}), or p99 ({@code against / subject},
 *                so that above 1 means the subject's p99 is the lower)
 */
record PairedComparison(String workload, int threads, String subject, String against, String againstKind, String pairing,
        Measure measure, double[] ratios,
        double subjectMedian, double againstMedian) {

    enum Measure { THROUGHPUT, P99 }

    RatioEstimate estimate() {
        return RatioEstimate.of(ratios);
    }

    /** What identifies it across runs: both contenders by kind, name and connections, not by a batch size each run finds anew. */
    String key() {
        return workload + "/" + threads + "/" + pairing + "/" + measure;
    }

    String describe() {
        return measure == Measure.P99 ? subject + " p99 vs " + against + "'s (theirs / its)" : subject + " vs " + against;
    }

    /**
     * Every headline comparison of the run, cell by cell: each strategy against {@code atomic}
     * and against its ceiling (the per-message one at its connections; {@code quota.consume}'s
     * for {@code sql-function}; for group commit also its batched one), the batched ceiling
     * against {@code atomic} (what group commit's statement allows), and the p99 of the
     * batching strategies against atomic's.
     */
    static List<PairedComparison> of(PairedRun run) {
        List<PairedComparison> comparisons = new ArrayList<>();
        for (PairedRun.Cell cell : run.cells()) {
            Optional<PairedRun.Contestant> atomic = cell.strategy(AtomicStrategy.NAME);
            for (PairedRun.Contestant strategy : cell.contenders()) {
                if (!strategy.kind().equals(Contender.STRATEGY)) {
                    continue;
                }
                if (!strategy.name().equals(AtomicStrategy.NAME)) {
                    atomic.ifPresent(a -> comparisons.add(throughput(cell, strategy, a)));
                }
                ceilingOf(cell, strategy).ifPresent(c -> comparisons.add(throughput(cell, strategy, c)));
                if (strategy.name().equals(GroupCommitChatPath.NAME)) {
                    cell.ofKind(Contender.BATCHED).ifPresent(c -> comparisons.add(throughput(cell, strategy, c)));
                }
            }
            // how far group commit's own statement, with no JVM in the way, goes past atomic: the most the strategy could
            Optional<PairedRun.Contestant> batched = cell.ofKind(Contender.BATCHED);
            if (batched.isPresent() && atomic.isPresent()) {
                comparisons.add(throughput(cell, batched.get(), atomic.get()));
            }
            for (PairedRun.Contestant strategy : cell.contenders()) {
                if (strategy.kind().equals(Contender.STRATEGY) && BATCHING.contains(strategy.name()) && cell.threads() > 1) {
                    atomic.ifPresent(a -> comparisons.add(p99(cell, strategy, a)));
                }
            }
        }
        comparisons.removeIf(c -> c.ratios().length == 0);
        return comparisons;
    }

    private static final List<String> BATCHING = List.of(CoalescingChatPath.NAME, GroupCommitChatPath.NAME);

    /** The ceiling a strategy is held to in its cell. */
    static Optional<PairedRun.Contestant> ceilingOf(PairedRun.Cell cell, PairedRun.Contestant strategy) {
        return strategy.name().equals(SqlFunctionChatPath.NAME)
                ? cell.find(Contender.FUNCTION, "quota.consume", strategy.clients())
                : cell.find(Contender.PER_MESSAGE, "per-message", strategy.clients());
    }

    private static String identity(PairedRun.Contestant contestant) {
        return contestant.kind() + ":" + contestant.name() + ":" + contestant.clients();
    }

    private static PairedComparison throughput(PairedRun.Cell cell, PairedRun.Contestant subject, PairedRun.Contestant against) {
        return paired(cell, subject, against, Measure.THROUGHPUT, PairedRun.Trial::opsPerSecond);
    }

    private static PairedComparison p99(PairedRun.Cell cell, PairedRun.Contestant subject, PairedRun.Contestant against) {
        return paired(cell, subject, against, Measure.P99, PairedRun.Trial::p99Millis);
    }

    private static PairedComparison paired(PairedRun.Cell cell, PairedRun.Contestant subject, PairedRun.Contestant against, Measure measure,
            ToDoubleFunction<PairedRun.Trial> value) {
        Map<Integer, PairedRun.Trial> theirs = against.trials().stream().collect(Collectors.toMap(PairedRun.Trial::round, t -> t));
        List<Double> ratios = new ArrayList<>();
        List<Double> mine = new ArrayList<>();
        List<Double> other = new ArrayList<>();
        for (PairedRun.Trial trial : subject.trials()) {
            PairedRun.Trial pair = theirs.get(trial.round());
            if (pair == null) {
                continue;
            }
            double a = value.applyAsDouble(trial);
            double b = value.applyAsDouble(pair);
            mine.add(a);
            other.add(b);
            ratios.add(measure == Measure.THROUGHPUT ? a / b : b / a);
        }
        return new PairedComparison(cell.workload(), cell.threads(), subject.label(), against.label(), against.kind(),
                identity(subject) + " vs " + identity(against), measure,
                ratios.stream().mapToDouble(Double::doubleValue).toArray(),
                RatioEstimate.median(mine.stream().mapToDouble(Double::doubleValue).toArray()),
                RatioEstimate.median(other.stream().mapToDouble(Double::doubleValue).toArray()));
    }
}
