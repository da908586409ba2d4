package dev.quota.reconciler;

import dev.quota.core.Progress;
import dev.quota.core.drift.DayLedger;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.batch.core.listener.ItemReadListener;

/**
 * The day ledgers a run has read so far over all its partitions, reported to whoever
 * watches the run ({@link Progress}) every thousand rows: one atomic increment per row,
 * nothing next to reading it.
 */
final class ScanProgress implements ItemReadListener<DayLedger> {

    private static final int BLOCK = 1000;

    private final AtomicLong rows = new AtomicLong();
    private volatile Progress progress = Progress.NONE;
    private volatile long total;

    /** A new run, watched by {@code progress}, of about {@code total} rows (0: unknown). */
    void start(Progress watcher, long estimatedTotal) {
        rows.set(0);
        this.total = estimatedTotal;
        this.progress = watcher;
    }

    @Override
    public void afterRead(DayLedger ledger) {
        long read = rows.incrementAndGet();
        if (read % BLOCK == 0) {
            progress.update("day ledgers", read, total);
        }
    }
}
