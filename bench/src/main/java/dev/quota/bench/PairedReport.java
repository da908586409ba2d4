package dev.quota.bench;

import dev.quota.core.strategy.AtomicStrategy;
import dev.quota.core.strategy.CoalescingChatPath;
import dev.quota.core.strategy.GroupCommitChatPath;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The report's lead: the paired comparisons with their intervals, the targets decided from
 * those intervals, and each contender's own figures from the same trials.
 */
final class PairedReport {

    /** A goal for one comparison: its ratio at least {@code goal}. */
    record Target(String what, double goal, Predicate<PairedComparison> which) {
    }

    /** The bench's targets, each against the same run's atomic or ceilings. */
    static final List<Target> TARGETS = List.of(
            target("atomic on `hot` at 16 threads vs the per-message ceiling at its connections", 0.85,
                    AtomicStrategy.NAME, Contender.PER_MESSAGE, "hot", 16),
            target("atomic on `uniform` at 16 threads vs the per-message ceiling at its connections", 0.85,
                    AtomicStrategy.NAME, Contender.PER_MESSAGE, "uniform", 16),
            target("group-commit on `hot` at 16 threads vs the batched ceiling at its batch size", 0.8,
                    GroupCommitChatPath.NAME, Contender.BATCHED, "hot", 16),
            target("group-commit on `uniform` at 16 threads vs the batched ceiling at its batch size", 0.8,
                    GroupCommitChatPath.NAME, Contender.BATCHED, "uniform", 16),
            target("group-commit on `uniform` at 16 threads vs atomic", 3.0, GroupCommitChatPath.NAME, Contender.STRATEGY, "uniform", 16),
            target("group-commit on `hot` at 16 threads vs atomic", 7.0, GroupCommitChatPath.NAME, Contender.STRATEGY, "hot", 16),
            target("group-commit on `uniform` at 16 threads vs the per-message ceiling at its connections (above it)", 1.0,
                    GroupCommitChatPath.NAME, Contender.PER_MESSAGE, "uniform", 16),
            target("group-commit on `hot` at 1 thread vs atomic", 0.9, GroupCommitChatPath.NAME, Contender.STRATEGY, "hot", 1),
            target("group-commit on `uniform` at 1 thread vs atomic", 0.9, GroupCommitChatPath.NAME, Contender.STRATEGY, "uniform", 1),
            target("coalescing on `hot` at 16 threads vs atomic", 4.0, CoalescingChatPath.NAME, Contender.STRATEGY, "hot", 16),
            p99(CoalescingChatPath.NAME, "hot"),
            p99(GroupCommitChatPath.NAME, "hot"),
            p99(GroupCommitChatPath.NAME, "uniform"));

    private static Target target(String what, double goal, String subject, String againstKind, String workload, int threads) {
        return new Target(what, goal, c -> c.measure() == PairedComparison.Measure.THROUGHPUT && c.subject().equals(subject)
                && c.againstKind().equals(againstKind) && (!againstKind.equals(Contender.STRATEGY) || c.against().equals(AtomicStrategy.NAME))
                && c.workload().equals(workload) && c.threads() == threads);
    }

    private static Target p99(String subject, String workload) {
        return new Target(subject + " p99 on `" + workload + "` at 16 threads no worse than atomic's (atomic's / its)", 1.0,
                c -> c.measure() == PairedComparison.Measure.P99 && c.subject().equals(subject) && c.workload().equals(workload)
                        && c.threads() == 16);
    }

    private final PairedRun run;
    private final List<PairedComparison> comparisons;
    private final StringBuilder md;

    private PairedReport(PairedRun run, StringBuilder md) {
        this.run = run;
        this.comparisons = PairedComparison.of(run);
        this.md = md;
    }

    static void write(PairedRun run, StringBuilder md) {
        PairedReport report = new PairedReport(run, md);
        report.comparisons();
        report.targets();
        report.contenders();
    }

    private void comparisons() {
        PairedRun.Settings settings = run.settings();
        md.append("## Paired comparisons\n\n");
        md.append(String.format(Locale.ROOT, """
                Each cell (a workload at a thread count) opened every contender once, warmed each up for %d s in one shared pass, \
                then ran %d rounds; in each round every contender ran one %d s trial, in an order shuffled anew (seed %d), \
                a checkpoint before each. A ratio is taken within a round, so the host's drift moves both sides of it; \
                the table gives the median of the %d ratios and its 95%% interval (percentile bootstrap, %,d resamples of \
                the pairs). The ceilings are pgbench on the same server (%s): the atomic strategy's exact SQL one message \
                a transaction, `quota.consume` for `sql-function`, and group commit's batch statement at the batch size the \
                strategy reached in its warm-up.

                | subject | against | workload | threads | pairs | median ratio | 95%% interval | subject's median | theirs |
                |---|---|---|---:|---:|---:|---|---:|---:|
                """, settings.warmupSeconds(), settings.rounds(), settings.trialSeconds(), settings.seed(), settings.rounds(),
                RatioEstimate.RESAMPLES, run.serverVersion()));
        for (PairedComparison c : sorted(comparisons)) {
            RatioEstimate e = c.estimate();
            boolean p99 = c.measure() == PairedComparison.Measure.P99;
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %.2fx | %.2fx to %.2fx | %s | %s |%n",
                    p99 ? c.subject() + " (p99)" : c.subject(), c.against(), c.workload(), c.threads(), e.pairs(), e.median(), e.low(), e.high(),
                    p99 ? String.format(Locale.ROOT, "%.2f ms", c.subjectMedian()) : String.format(Locale.ROOT, "%,.0f/s", c.subjectMedian()),
                    p99 ? String.format(Locale.ROOT, "%.2f ms", c.againstMedian()) : String.format(Locale.ROOT, "%,.0f/s", c.againstMedian())));
        }
    }

    private void targets() {
        md.append("\n## Targets, from the paired intervals\n\n")
                .append("Met when the 95% interval lies at or above the goal, missed when it lies below, undecided when it "
                        + "straddles it (or when fewer than " + RatioEstimate.FEWEST_PAIRS_FOR_A_VERDICT + " pairs were run).\n\n");
        for (Target target : TARGETS) {
            Optional<PairedComparison> found = comparisons.stream().filter(target.which()).findFirst();
            if (found.isEmpty()) {
                md.append("- ").append(target.what()).append(": not measured in this run\n");
                continue;
            }
            RatioEstimate e = found.get().estimate();
            md.append(String.format(Locale.ROOT, "- %s: **%.2fx** (%.2fx to %.2fx, %d pairs), goal %.2fx: %s%n", target.what(), e.median(),
                    e.low(), e.high(), e.pairs(), target.goal(), e.against(target.goal()).markdown));
        }
    }

    private void contenders() {
        md.append("""

                ## Each contender in the paired trials

                Medians over the rounds; p50 and p99 are each trial's own percentiles (the JVM's strategies only), \
                *batch* the messages a transaction group commit and coalescing reached.

                | contender | workload | threads | conns | median msg/s | p50 ms | p99 ms | batch |
                |---|---|---:|---:|---:|---:|---:|---:|
                """);
        for (PairedRun.Cell cell : run.cells().stream().sorted(CELLS).toList()) {
            for (PairedRun.Contestant c : cell.contenders()) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %,.0f | %s | %s | %s |%n", c.label(), cell.workload(),
                        cell.threads(), c.clients(), median(c, PairedRun.Trial::opsPerSecond),
                        optional(c, PairedRun.Trial::p50Millis, "%.2f"), optional(c, PairedRun.Trial::p99Millis, "%.2f"),
                        optional(c, PairedRun.Trial::meanBatch, "%.1f")));
            }
        }
    }

    private static final Comparator<PairedRun.Cell> CELLS = Comparator.comparing(PairedRun.Cell::workload)
            .thenComparing(PairedRun.Cell::threads, Comparator.reverseOrder());

    private static List<PairedComparison> sorted(List<PairedComparison> comparisons) {
        return comparisons.stream().sorted(Comparator.comparing(PairedComparison::workload)
                .thenComparing(PairedComparison::threads, Comparator.reverseOrder())).toList();
    }

    private static double median(PairedRun.Contestant c, java.util.function.ToDoubleFunction<PairedRun.Trial> value) {
        return RatioEstimate.median(c.trials().stream().mapToDouble(value).toArray());
    }

    private static String optional(PairedRun.Contestant c, java.util.function.Function<PairedRun.Trial, Double> value, String format) {
        double[] values = c.trials().stream().map(value).filter(v -> v != null).mapToDouble(Double::doubleValue).toArray();
        return values.length == 0 ? "-" : String.format(Locale.ROOT, format, RatioEstimate.median(values));
    }
}
