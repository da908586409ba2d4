package dev.quota.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ViewsTest {

    private static final Instant NOW = Instant.parse("2026-07-01T20:55:00Z");

    @Test
    void givenAResetStillAhead_whenShown_thenTheTimeLeft() {
        assertThat(Views.until(NOW, Instant.parse("2026-07-02T00:00:00Z"))).isEqualTo("in 3h 5m");
    }

    @Test
    void givenThePastDaysReset_whenShown_thenItHasPassed() {
        assertThat(Views.until(NOW, Instant.parse("2026-07-01T00:00:00Z"))).isEqualTo("passed");
    }
}
