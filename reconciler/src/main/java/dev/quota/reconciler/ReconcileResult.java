package dev.quota.reconciler;

import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a run.
 *
 * @param status      Spring Batch's status of the execution (COMPLETED, FAILED, ...)
 * @param driftsByKind findings per drift kind (a finding may count under several kinds)
 * @param remaining   findings not repaired: all of them in report mode, those no counter change can fix in repair mode
 * @param pruned      expired rows the prune step removed (job instances count as one)
 * @param scannedOn   where the day ledgers were read: {@code primary} or {@code standby} (the read URL)
 * @param resumes     how many times the run resumed after the standby cancelled its scan
 * @param error       the first failure as the toolkit translates it (its code, message and details); null when none
 */
public record ReconcileResult(long runId, long jobExecutionId, String status, ReconcileMode mode, QuotaDay from, QuotaDay to,
                              long rowsScanned, long drifts, Map<String, Long> driftsByKind, long repaired,
                              long remaining, List<Finding> topDrifts, long pruned, Duration duration,
                              String scannedOn, int resumes, HeldNow holds, QuotaException error) {

    /**
     * The holds ({@code quota.reserve}) as the run ended: units held by open, unexpired holds,
     * and holds of the run's days that expired neither settled nor released (callers that
     * died mid-reply).
     */
    public record HeldNow(long heldUnits, long expiredHolds) {
    }

    /** The first failure's message, as the toolkit translates it; null when none. */
    public String failure() {
        return error == null ? null : error.getMessage();
    }

    public boolean completed() {
        return "COMPLETED".equals(status);
    }

    public double rowsPerSecond() {
        double seconds = duration.toNanos() / 1e9;
        return seconds == 0 ? 0 : rowsScanned / seconds;
    }
}
