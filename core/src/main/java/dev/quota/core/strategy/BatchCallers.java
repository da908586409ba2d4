package dev.quota.core.strategy;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** How a caller of a batching chat path waits for its batch, and what it gets when no batch comes. */
final class BatchCallers {

    /** How long a caller waits for its batch: past every lock and statement bound of the batch's transaction. */
    static final Duration WAIT = Duration.ofSeconds(90);

    private BatchCallers() {
    }

    /** The outcome its batch gave the caller, or the batch's error, as the caller's own. */
    static ChatOutcome await(CompletableFuture<ChatOutcome> outcome) {
        try {
            return outcome.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new QuotaException(ErrorCode.CONTENTION_TIMEOUT, "no batch served this message within " + WAIT.toSeconds()
                    + " s; retry with the same request_id to learn whether it was stored");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QuotaException(ErrorCode.CONTENTION_TIMEOUT, "interrupted while waiting for a batch");
        }
    }

    /** For a message sent to a path that is closing. */
    static QuotaException shuttingDown() {
        return new QuotaException(ErrorCode.CONTENTION_TIMEOUT, "the quota service is shutting down");
    }

    /** For a message still queued when its path closed. */
    static QuotaException shutBeforeServed() {
        return new QuotaException(ErrorCode.CONTENTION_TIMEOUT, "the quota service shut down before this message was served");
    }
}
