package dev.quota.core;

import java.util.Objects;

/**
 * A support or ops request to change a day's quota. Validated on construction, before any
 * database work: the audit trail never records a change without a reason and an actor.
 *
 * @param day    the quota day to change, or null for today (UTC)
 * @param amount units to grant/refund/charge, the new usage for {@code set}, ignored by {@code reset}
 */
public record AdjustmentRequest(
        AdjustmentKind kind,
        String userRef,
        QuotaDay day,
        int amount,
        String reason,
        String actor,
        String requestId,
        boolean dryRun) {

    public static final int MAX_AMOUNT = 1_000_000;
    /** The audit trail's free text is bounded: a reason is a sentence or two, an actor a name. */
    public static final int MAX_REASON_LENGTH = 500;
    public static final int MAX_ACTOR_LENGTH = 100;

    public AdjustmentRequest {
        Objects.requireNonNull(kind, "kind");
        UserRef.parse(userRef);
        if (kind.takesAmount()) {
            if (amount < 0 || (amount == 0 && !kind.allowsZero())) {
                throw QuotaException.invalidInput(kind.code() + " needs a positive amount, got " + amount);
            }
            if (amount > MAX_AMOUNT) {
                throw QuotaException.invalidInput(kind.code() + " amount " + amount + " is above the maximum of " + MAX_AMOUNT);
            }
        } else {
            amount = 0;
        }
        reason = requireReason(kind.code(), reason);
        actor = requireActor(kind.code(), actor);
    }

    /** A change's reason for the audit trail, stripped: required, at most {@link #MAX_REASON_LENGTH} characters. */
    public static String requireReason(String change, String reason) {
        if (reason == null || reason.isBlank()) {
            throw QuotaException.invalidInput(change + " needs a reason (it is written to the audit trail)");
        }
        String stripped = reason.strip();
        if (stripped.length() > MAX_REASON_LENGTH) {
            throw QuotaException.invalidInput("reason is " + stripped.length() + " characters; at most " + MAX_REASON_LENGTH);
        }
        return stripped;
    }

    /** Who made a change, stripped: required, at most {@link #MAX_ACTOR_LENGTH} characters. */
    public static String requireActor(String change, String actor) {
        if (actor == null || actor.isBlank()) {
            throw QuotaException.invalidInput(change + " needs an actor (who made the change)");
        }
        String stripped = actor.strip();
        if (stripped.length() > MAX_ACTOR_LENGTH) {
            throw QuotaException.invalidInput("actor is " + stripped.length() + " characters; at most " + MAX_ACTOR_LENGTH);
        }
        return stripped;
    }

    public static AdjustmentRequest of(AdjustmentKind kind, String userRef, int amount, String reason, String actor) {
        return new AdjustmentRequest(kind, userRef, null, amount, reason, actor, null, false);
    }

    public AdjustmentRequest on(QuotaDay quotaDay) {
        return new AdjustmentRequest(kind, userRef, quotaDay, amount, reason, actor, requestId, dryRun);
    }

    public AdjustmentRequest withRequestId(String id) {
        return new AdjustmentRequest(kind, userRef, day, amount, reason, actor, id, dryRun);
    }

    public AdjustmentRequest asDryRun() {
        return new AdjustmentRequest(kind, userRef, day, amount, reason, actor, requestId, true);
    }
}
