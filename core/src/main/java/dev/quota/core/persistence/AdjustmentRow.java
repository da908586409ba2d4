package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import java.time.Instant;
import java.time.LocalDate;

/** One row of the audit trail. */
public record AdjustmentRow(long id, UserKey userId, LocalDate quotaDate, String kind, int requested, int appliedDelta,
                            String reason, String actor, String requestId, Instant createdAt) {
}
