package dev.quota.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PairedComparisonTest {

    /** A cell whose rounds drift together: the host gave each round a different speed. */
    static PairedRun run(double[] atomic, double[] groupCommit, double[] perMessageAt2) {
        return new PairedRun(new PairedRun.Settings(atomic.length, 1, 1, 7), "17.6", List.of(new PairedRun.Cell("uniform", 16, List.of(
                contestant(Contender.STRATEGY, "atomic", 4, atomic),
                contestant(Contender.STRATEGY, "group-commit", 2, groupCommit),
                contestant(Contender.PER_MESSAGE, "per-message", 2, perMessageAt2)))));
    }

    static PairedRun.Contestant contestant(String kind, String name, int clients, double[] ops) {
        List<PairedRun.Trial> trials = new java.util.ArrayList<>();
        for (int round = 0; round < ops.length; round++) {
            trials.add(new PairedRun.Trial(round, 0, ops[round], 1.0, 2.0, null));
        }
        return new PairedRun.Contestant(kind, name, clients, null, trials);
    }

    @Test
    void givenRoundsThatDrift_whenCompared_thenEachRatioIsTakenWithinItsRound() {
        // the host ran round 2 at half speed and round 3 at double: within a round the ratio is always 3
        PairedRun run = run(new double[] {1000, 500, 2000}, new double[] {3000, 1500, 6000}, new double[] {2000, 1000, 4000});

        PairedComparison vsAtomic = find(run, "group-commit", "atomic");

        assertThat(vsAtomic.ratios()).containsExactly(3.0, 3.0, 3.0);
        assertThat(vsAtomic.subjectMedian()).isEqualTo(3000);
        assertThat(vsAtomic.againstMedian()).isEqualTo(1000);
    }

    @Test
    void givenAStrategy_whenCompared_thenItIsHeldToThePerMessageCeilingAtItsOwnConnections() {
        PairedRun run = run(new double[] {1000, 1000}, new double[] {3000, 3300}, new double[] {2000, 2000});

        PairedComparison vsCeiling = find(run, "group-commit", "pgbench, per-message x2");

        assertThat(vsCeiling.ratios()).containsExactly(1.5, 1.65);
        assertThat(PairedComparison.of(run)).noneMatch(c -> c.subject().equals("atomic") && c.againstKind().equals(Contender.PER_MESSAGE));
    }

    @Test
    void givenARoundOneSideDidNotRun_whenCompared_thenThatRoundIsLeftOut() {
        PairedRun run = new PairedRun(new PairedRun.Settings(3, 1, 1, 7), "17.6", List.of(new PairedRun.Cell("hot", 1, List.of(
                contestant(Contender.STRATEGY, "atomic", 1, new double[] {1000, 1000}),
                contestant(Contender.STRATEGY, "group-commit", 1, new double[] {900, 800, 700})))));

        assertThat(find(run, "group-commit", "atomic").ratios()).containsExactly(0.9, 0.8);
    }

    private static PairedComparison find(PairedRun run, String subject, String against) {
        return PairedComparison.of(run).stream()
                .filter(c -> c.measure() == PairedComparison.Measure.THROUGHPUT && c.subject().equals(subject) && c.against().equals(against))
                .findFirst().orElseThrow();
    }
}
