package dev.quota.core.persistence;

import java.time.Instant;
import java.time.LocalDate;

/** One row of the audit trail. */
public record AdjustmentRow(long id, long userId, LocalDate quotaDate, String kind, int requested, int appliedDelta,
                            String reason, String actor, String requestId, Instant createdAt) {
}
