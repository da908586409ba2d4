package dev.quota.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The job's read pace: a limit holds over the reads, and no limit costs nothing. */
class ReadPaceTest {

    private static Duration read(ReadPace pace, int rows) {
        long started = System.nanoTime();
        for (int i = 0; i < rows; i++) {
            pace.afterRead(null);
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    @Test
    void givenAPaceOf1000RowsPerSecond_whenReading2000Rows_thenItTakesAtLeastTheTimeTheBucketRefillsIn() {
        // the bucket starts full (250 rows); the other 1750 come at 1000 a second
        assertThat(read(ReadPace.of(1000), 2000)).isGreaterThanOrEqualTo(Duration.ofMillis(1700));
    }

    @Test
    void givenNoPace_whenReadingAMillionRows_thenNothingWaits() {
        assertThat(read(ReadPace.of(0), 1_000_000)).isLessThan(Duration.ofSeconds(1));
    }
}
