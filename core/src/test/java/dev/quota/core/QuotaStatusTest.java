package dev.quota.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class QuotaStatusTest {

    private static final QuotaDay DAY = QuotaDay.parse("2026-04-10");

    @Test
    void givenAPlanLimitAndGrants_whenDerived_thenTheEffectiveLimitIsTheirSum() {
        QuotaStatus status = QuotaStatus.of(1, "a@example.com", DAY, "pro", 100, 25, 40);
        assertThat(status.limit()).isEqualTo(125);
        assertThat(status.remaining()).isEqualTo(85);
    }

    @Test
    void givenACounterAboveTheLimit_whenDerived_thenRemainingIsZeroNotNegative() {
        QuotaStatus status = QuotaStatus.of(1, "a@example.com", DAY, "free", 10, 0, 14);
        assertThat(status.remaining()).isZero();
        assertThat(status.exhausted()).isTrue();
    }

    @Test
    void givenADay_whenDerived_thenResetAtIsTheNextUtcMidnight() {
        assertThat(QuotaStatus.of(1, "a@example.com", DAY, "free", 10, 0, 0).resetAt())
                .isEqualTo(Instant.parse("2026-04-11T00:00:00Z"));
    }

    @Test
    void givenHugeGrants_whenDerived_thenTheLimitSaturatesInsteadOfOverflowing() {
        assertThat(QuotaStatus.effectiveLimit(Integer.MAX_VALUE, Integer.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
    }
}
