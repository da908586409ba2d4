package dev.quota.core;

import java.time.Instant;

/**
 * An applied (or, with dry-run, previewed) adjustment with the quota before and after.
 *
 * @param id       the audit row's id; 0 for a dry run
 * @param replayed true when the request_id had already been applied: nothing changed now
 */
public record Adjustment(
        long id,
        AdjustmentKind kind,
        int requested,
        int appliedDelta,
        String reason,
        String actor,
        String requestId,
        Instant createdAt,
        boolean dryRun,
        boolean replayed,
        QuotaStatus before,
        QuotaStatus after) {
}
