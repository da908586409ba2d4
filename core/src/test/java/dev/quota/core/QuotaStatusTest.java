package dev.quota.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class QuotaStatusTest {

    private static final QuotaDay DAY = QuotaDay.parse("2026-04-10");

    @Test
    void givenTheDaysEffectiveLimit_whenDerived_thenRemainingIsWhatIsLeftOfIt() {
        QuotaStatus status = QuotaStatus.of(UserKey.of(1), "a@example.com", DAY, "pro", 100, 25, 125, 40);
        assertThat(status.remaining()).isEqualTo(85);
    }

    @Test
    void givenACounterAboveTheLimit_whenDerived_thenRemainingIsZeroNotNegative() {
        QuotaStatus status = QuotaStatus.of(UserKey.of(1), "a@example.com", DAY, "free", 10, 0, 10, 14);
        assertThat(status.remaining()).isZero();
        assertThat(status.exhausted()).isTrue();
    }

    @Test
    void givenADay_whenDerived_thenResetAtIsTheNextUtcMidnight() {
        assertThat(QuotaStatus.of(UserKey.of(1), "a@example.com", DAY, "free", 10, 0, 10, 0).resetAt())
                .isEqualTo(Instant.parse("2026-04-11T00:00:00Z"));
    }

    // the effective limit itself is the database's rule: SqlApiTest holds quota.effective_limit to it
}
