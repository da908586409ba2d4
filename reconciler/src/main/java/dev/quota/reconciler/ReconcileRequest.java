package dev.quota.reconciler;

import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import java.time.Clock;

/**
 * What to reconcile and how. Validated on construction: a bad range or setting is refused
 * before anything runs.
 *
 * @param includeToday     allow the current UTC day, which is still being consumed
 * @param rerun            start a new run of days that already have a completed one
 * @param maxRowsPerSecond the most day ledgers the job reads per second over all its
 *                         partitions, to leave the server's CPU to live traffic; 0: as fast as it can
 * @param prune            after reconciling, remove what has outlived its retention (the nightly job does)
 * @param scan             how the day ledgers are read ({@link LedgerScan}); AUTO picks from the layout
 */
public record ReconcileRequest(QuotaDay from, QuotaDay to, ReconcileMode mode, int chunkSize, int partitions,
                               boolean includeToday, boolean rerun, int maxRowsPerSecond, boolean prune, LedgerScan scan) {

    public static final int DEFAULT_CHUNK_SIZE = 1000;
    public static final int DEFAULT_PARTITIONS = 8;
    public static final int MAX_DAYS = 366;

    public ReconcileRequest {
        if (from == null || to == null || mode == null || scan == null) {
            throw QuotaException.invalidInput("a day range, a mode and a scan are required");
        }
        if (from.compareTo(to) > 0) {
            throw QuotaException.invalidInput("--from " + from + " is after --to " + to);
        }
        if (to.date().toEpochDay() - from.date().toEpochDay() >= MAX_DAYS) {
            throw QuotaException.invalidInput("at most " + MAX_DAYS + " days per run, got " + from + ".." + to);
        }
        if (chunkSize < 1 || chunkSize > 100_000) {
            throw QuotaException.invalidInput("chunk size must be between 1 and 100000, got " + chunkSize);
        }
        if (partitions < 1 || partitions > 256) {
            throw QuotaException.invalidInput("partitions must be between 1 and 256, got " + partitions);
        }
        if (maxRowsPerSecond < 0) {
            throw QuotaException.invalidInput("max rows per second must be 0 (no limit) or more, got " + maxRowsPerSecond);
        }
    }

    /** The scan picked from the layout. */
    public ReconcileRequest(QuotaDay from, QuotaDay to, ReconcileMode mode, int chunkSize, int partitions,
                            boolean includeToday, boolean rerun, int maxRowsPerSecond, boolean prune) {
        this(from, to, mode, chunkSize, partitions, includeToday, rerun, maxRowsPerSecond, prune, LedgerScan.AUTO);
    }

    /** As fast as the server allows, then pruning. */
    public ReconcileRequest(QuotaDay from, QuotaDay to, ReconcileMode mode, int chunkSize, int partitions,
                            boolean includeToday, boolean rerun) {
        this(from, to, mode, chunkSize, partitions, includeToday, rerun, 0, true);
    }

    /** The same run without the prune step. */
    public ReconcileRequest withoutPruning() {
        return new ReconcileRequest(from, to, mode, chunkSize, partitions, includeToday, rerun, maxRowsPerSecond, false, scan);
    }

    /** The same run with the day ledgers read as {@code ledgerScan} says. */
    public ReconcileRequest scanning(LedgerScan ledgerScan) {
        return new ReconcileRequest(from, to, mode, chunkSize, partitions, includeToday, rerun, maxRowsPerSecond, prune, ledgerScan);
    }

    /** The finished day before today (UTC): what the nightly run reconciles. */
    public static ReconcileRequest yesterday(Clock clock, ReconcileMode mode) {
        QuotaDay yesterday = QuotaDay.today(clock).previous();
        return new ReconcileRequest(yesterday, yesterday, mode, DEFAULT_CHUNK_SIZE, DEFAULT_PARTITIONS, false, false);
    }

    /** Refuses the current UTC day (or a future one) unless asked to include it. */
    public void requireFinishedDays(Clock clock) {
        QuotaDay today = QuotaDay.today(clock);
        if (!includeToday && to.compareTo(today) >= 0) {
            throw QuotaException.invalidInput("the range " + from + ".." + to + " includes today (" + today
                    + ", UTC), which is still being consumed; pass --include-today to reconcile it anyway");
        }
    }
}
