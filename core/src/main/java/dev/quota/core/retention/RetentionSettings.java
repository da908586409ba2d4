package dev.quota.core.retention;

import dev.quota.core.QuotaDay;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.jdbi.v3.core.Handle;

/**
 * How long the toolkit keeps what it writes, from the settings row (db/toolkit V5), where a
 * DBA changes it with a plain {@code UPDATE quota.settings SET ...}.
 *
 * @param idempotencyDays    a request id charged on day D is kept through day D + N: a retry
 *                           within it is a replay, after it a new request
 * @param runRetentionDays   reconciliation runs, their findings and the job repository, by the
 *                           day the run started
 * @param batchSize          rows deleted per transaction
 * @param rowsPerSecond      the most rows deleted per second; 0 for no pace
 */
public record RetentionSettings(int idempotencyDays, int runRetentionDays, int batchSize, int rowsPerSecond) {

    public static RetentionSettings read(Handle handle) {
        return handle.createQuery("""
                        SELECT idempotency_days, run_retention_days, prune_batch_size, prune_rows_per_second FROM settings
                        """)
                .map((rs, ctx) -> new RetentionSettings(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4)))
                .one(); // the one settings row V1 inserts; its defaults are V5's
    }

    /** The same retention, deleting at another pace (0: unpaced). */
    public RetentionSettings pacedAt(int rowsPerSecond) {
        return new RetentionSettings(idempotencyDays, runRetentionDays, batchSize, rowsPerSecond);
    }

    /** What has expired on {@code today}, the database's UTC date. */
    public Cutoffs cutoffs(QuotaDay today) {
        return new Cutoffs(today.date().minusDays(idempotencyDays),
                today.startsAt().minus(Duration.ofDays(runRetentionDays)));
    }

    /**
     * Where expiry begins.
     *
     * @param requestDaysBefore request ids charged to a day before this one have expired
     * @param runsStartedBefore runs, findings and job executions started before this instant have expired
     */
    public record Cutoffs(LocalDate requestDaysBefore, Instant runsStartedBefore) {
    }
}
