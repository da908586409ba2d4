package dev.quota.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.BlockingStrategy;
import io.github.bucket4j.TimeMeter;
import org.junit.jupiter.api.Test;

/**
 * The job's read pace, on a clock that moves only when the pace waits: what it asks to wait
 * is the proof, and no test waits for it.
 */
class ReadPaceTest {

    /** A clock the pace advances by parking on it. */
    private static final class ScriptedTime implements TimeMeter, BlockingStrategy {
        long now;
        long parked;

        @Override
        public long currentTimeNanos() {
            return now;
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }

        @Override
        public void park(long nanos) {
            parked += nanos;
            now += nanos;
        }
    }

    private static void read(ReadPace pace, int rows) {
        for (int i = 0; i < rows; i++) {
            pace.afterRead(null);
        }
    }

    @Test
    void givenAPaceOf1000RowsPerSecond_whenReading2000Rows_thenItWaitsForWhatTheBucketRefillsIn() {
        ScriptedTime time = new ScriptedTime();

        read(ReadPace.of(1000, time, time), 2000);

        // the bucket starts full (250 rows); the other 1750 come at 1000 a second
        assertThat(time.parked).isBetween(1_750_000_000L, 1_760_000_000L);
    }

    @Test
    void givenNoPace_whenReadingAMillionRows_thenItNeverWaits() {
        ScriptedTime time = new ScriptedTime();

        read(ReadPace.of(0, time, time), 1_000_000);

        assertThat(time.parked).isZero();
    }
}
