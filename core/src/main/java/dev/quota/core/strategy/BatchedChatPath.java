package dev.quota.core.strategy;

import dev.quota.core.QuotaDay;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Jdbi;

/**
 * A strategy that serves the chat path by batching concurrent callers of one counter into
 * one transaction (group commit), instead of running one transaction per message. The
 * service hands it each message and waits for that message's own outcome.
 */
public interface BatchedChatPath {

    /** One caller's message(s) waiting for a batch. */
    record Pending(long userId, QuotaDay day, int units, String requestId, boolean mayBeRetry, Instant sentAt,
                   CompletableFuture<Outcome> outcome) {
    }

    /**
     * What the batch decided for one caller.
     *
     * @param accepted  charged and stored
     * @param replayed  already committed earlier (or earlier in the same batch): not charged again
     * @param consumed  the counter after the batch
     */
    record Outcome(boolean accepted, boolean replayed, int consumed, int limit, String planCode, int planLimit,
                   int granted, String email) {
    }

    CompletableFuture<Outcome> submit(Jdbi jdbi, Pending pending);
}
