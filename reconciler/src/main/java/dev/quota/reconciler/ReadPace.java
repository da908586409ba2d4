package dev.quota.reconciler;

import dev.quota.core.drift.DayLedger;
import io.github.bucket4j.BlockingStrategy;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import org.springframework.batch.core.listener.ItemReadListener;

/**
 * Paces the job's reads to at most a given number of day ledgers per second over all its
 * partitions (one token bucket for the run), so that a job started beside live traffic
 * leaves the server's CPU to the chat. Tokens are taken a block of rows at a time, so the
 * cost per row is a counter increment. Without a limit the listener does nothing.
 */
final class ReadPace implements ItemReadListener<DayLedger> {

    /** Rows per token request: a few milliseconds of reading at any sensible limit. */
    private static final int BLOCK = 250;

    private final Bucket bucket;
    private final BlockingStrategy waiting;
    private final ThreadLocal<int[]> unpaid = ThreadLocal.withInitial(() -> new int[1]);

    private ReadPace(Bucket bucket, BlockingStrategy waiting) {
        this.bucket = bucket;
        this.waiting = waiting;
    }

    /** A pace of {@code rowsPerSecond}; 0 for none. */
    static ReadPace of(long rowsPerSecond) {
        return of(rowsPerSecond, TimeMeter.SYSTEM_NANOTIME, BlockingStrategy.PARKING);
    }

    /** On a given clock, waiting a given way: a test's clock moves only when the pace waits. */
    static ReadPace of(long rowsPerSecond, TimeMeter time, BlockingStrategy waiting) {
        if (rowsPerSecond <= 0) {
            return new ReadPace(null, waiting);
        }
        long capacity = Math.max(BLOCK, rowsPerSecond / 10);
        return new ReadPace(Bucket.builder()
                .addLimit(limit -> limit.capacity(capacity).refillGreedy(rowsPerSecond, Duration.ofSeconds(1)))
                .withCustomTimePrecision(time)
                .build(), waiting);
    }

    @Override
    public void afterRead(DayLedger ledger) {
        if (bucket == null) {
            return;
        }
        int[] count = unpaid.get();
        if (++count[0] < BLOCK) {
            return;
        }
        count[0] = 0;
        try {
            bucket.asBlocking().consume(BLOCK, waiting);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pacing the reconciliation", e);
        }
    }
}
