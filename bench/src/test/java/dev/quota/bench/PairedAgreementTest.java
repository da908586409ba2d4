package dev.quota.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PairedAgreementTest {

    private static final double[] ATOMIC = {1000, 1000, 1000, 1000, 1000, 1000};

    private static PairedAgreement.Row row(double[] first, double[] second) {
        return PairedAgreement.rows(PairedComparisonTest.run(ATOMIC, first, ATOMIC), PairedComparisonTest.run(ATOMIC, second, ATOMIC))
                .stream().filter(r -> r.first().against().equals("atomic")).findFirst().orElseThrow();
    }

    @Test
    void givenMediansWithinTenPercent_whenCompared_thenTheRunsAgree() {
        PairedAgreement.Row row = row(new double[] {3000, 3000, 3000, 3000, 3000, 3000}, new double[] {3250, 3250, 3250, 3250, 3250, 3250});

        assertThat(row.differencePercent()).isCloseTo(8.33, org.assertj.core.api.Assertions.within(0.01));
        assertThat(row.agrees()).isTrue();
    }

    @Test
    void givenMediansFarApartWithOverlappingIntervals_whenCompared_thenTheRunsAgree() {
        PairedAgreement.Row row = row(new double[] {2000, 4000, 2500, 3500, 3000, 2200}, new double[] {3000, 5000, 3600, 4200, 2400, 4600});

        assertThat(Math.abs(row.differencePercent())).isGreaterThan(10);
        assertThat(row.agrees()).isTrue();
    }

    @Test
    void givenBatchedCeilingsAtTheBatchSizeEachRunReached_whenCompared_thenTheyAreTheSameRatio() {
        PairedRun first = batched(13, new double[] {8000, 8200, 7900, 8100, 8000});
        PairedRun second = batched(14, new double[] {8100, 8000, 8050, 7950, 8000});

        assertThat(PairedAgreement.rows(first, second)).singleElement()
                .satisfies(row -> assertThat(row.first().against()).isNotEqualTo(row.second().against()))
                .satisfies(row -> assertThat(row.agrees()).isTrue());
    }

    private static PairedRun batched(int batch, double[] groupCommit) {
        PairedRun.Contestant ceiling = PairedComparisonTest.contestant(Contender.BATCHED, "group commit's batch", 2,
                new double[] {10_000, 10_000, 10_000, 10_000, 10_000});
        return new PairedRun(new PairedRun.Settings(5, 1, 1, 7), "17.6", java.util.List.of(new PairedRun.Cell("hot", 16, java.util.List.of(
                PairedComparisonTest.contestant(Contender.STRATEGY, "group-commit", 2, groupCommit),
                new PairedRun.Contestant(ceiling.kind(), ceiling.name(), ceiling.clients(), batch, ceiling.trials())))));
    }

    @Test
    void givenSteadyRunsFarApart_whenCompared_thenTheyDisagree() {
        PairedAgreement.Row row = row(new double[] {3000, 3010, 2990, 3000, 3005, 2995}, new double[] {3600, 3610, 3590, 3600, 3605, 3595});

        assertThat(row.agrees()).isFalse();
        assertThat(PairedAgreement.markdown(java.util.List.of(row))).contains("**no**").contains("0 of 1 ratios agree");
    }
}
