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
    void givenSteadyRunsFarApart_whenCompared_thenTheyDisagree() {
        PairedAgreement.Row row = row(new double[] {3000, 3010, 2990, 3000, 3005, 2995}, new double[] {3600, 3610, 3590, 3600, 3605, 3595});

        assertThat(row.agrees()).isFalse();
        assertThat(PairedAgreement.markdown(java.util.List.of(row))).contains("**no**").contains("0 of 1 ratios agree");
    }
}
