package dev.quota.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QuotaDayTest {

    @Test
    void givenTheLastMicrosecondOfADay_whenMapped_thenItBelongsToThatDay() {
        assertThat(QuotaDay.of(Instant.parse("2026-03-14T23:59:59.999999Z")))
                .isEqualTo(QuotaDay.of(LocalDate.of(2026, 3, 14)));
    }

    @Test
    void givenMidnightUtc_whenMapped_thenItBelongsToTheNextDay() {
        assertThat(QuotaDay.of(Instant.parse("2026-03-15T00:00:00Z")))
                .isEqualTo(QuotaDay.of(LocalDate.of(2026, 3, 15)));
    }

    @Test
    void givenADay_whenAskedForResetAt_thenItIsTheNextUtcMidnight() {
        assertThat(QuotaDay.parse("2026-12-31").resetAt()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(QuotaDay.parse("2026-12-31").resetAt().toString()).isEqualTo("2027-01-01T00:00:00Z");
    }

    @Test
    void givenALeapDay_whenAskedForResetAt_thenItIsMarchFirst() {
        assertThat(QuotaDay.parse("2028-02-29").resetAt()).isEqualTo(Instant.parse("2028-03-01T00:00:00Z"));
    }

    @Test
    void givenADay_whenCheckingContainment_thenStartIsInclusiveAndResetIsExclusive() {
        QuotaDay day = QuotaDay.parse("2026-06-01");
        assertThat(day.contains(Instant.parse("2026-06-01T00:00:00Z"))).isTrue();
        assertThat(day.contains(Instant.parse("2026-06-01T23:59:59.999999999Z"))).isTrue();
        assertThat(day.contains(Instant.parse("2026-06-02T00:00:00Z"))).isFalse();
        assertThat(day.contains(Instant.parse("2026-05-31T23:59:59.999999Z"))).isFalse();
    }

    @Test
    void givenAnInstantWithALocalOffsetInItsText_whenMapped_thenTheUtcDateDecides() {
        // 01:30 in Paris on the 2nd is still the 1st in UTC
        Instant parisEarlyMorning = java.time.OffsetDateTime.parse("2026-06-02T01:30:00+02:00").toInstant();
        assertThat(QuotaDay.of(parisEarlyMorning)).isEqualTo(QuotaDay.parse("2026-06-01"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-30", "2026-13-01", "2026-1-01", "26-01-01", "2026-01-01T00:00:00Z",
            "2026-01-01+02:00", "yesterday", "1999-12-31", ""})
    void givenTextThatIsNotAUtcCalendarDate_whenParsed_thenInvalidInput(String text) {
        assertThatThrownBy(() -> QuotaDay.parse(text))
                .isInstanceOfSatisfying(QuotaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT));
    }
}
