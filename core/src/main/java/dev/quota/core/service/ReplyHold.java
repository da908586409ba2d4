package dev.quota.core.service;

import dev.quota.core.persistence.HoldFunctions;
import dev.quota.core.strategy.ChatRequest;
import java.time.Instant;

/**
 * A hold a caller keeps while the reply is written ({@link ChatService#reserve}), to settle
 * or release it afterwards from any thread or process that has it.
 *
 * @param request what was held: its user, units, request id and the instant that fixes its day
 * @param row     {@code quota.reserve}'s answer; {@code row().code()} says why a replayed hold no longer counts
 */
public record ReplyHold(ChatRequest request, HoldFunctions.Reserved row) {

    public String requestId() {
        return request.requestId();
    }

    /** Whether it holds units now: accepted now, or the same hold again while it is open. */
    public boolean holding() {
        return row.accepted();
    }

    public Instant expiresAt() {
        return row.expiresAt();
    }
}
