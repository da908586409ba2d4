package dev.quota.core.strategy;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The callers of a batching chat path: how each waits for its batch, how a batch answers
 * them, and what they get when no batch comes.
 */
final class BatchCallers {

    /** A caller waiting in a lane for its batch. */
    record Pending(ChatRequest request, CompletableFuture<ChatOutcome> outcome) {

        Pending(ChatRequest request) {
            this(request, new CompletableFuture<>());
        }

        CounterKey key() {
            return request.counterKey();
        }
    }

    /**
     * A request id of the batch was committed by another transaction after the batch's
     * replay check: fewer messages were stored than asked.
     */
    static final class CommittedElsewhere extends RuntimeException {
        CommittedElsewhere() {
            super(null, null, false, false);
        }
    }

    /**
     * Runs a batch's transaction ({@code serve}, given whether to look every request id up
     * first) and answers each caller. When fewer messages were stored than asked, another
     * process committed one of the batch's request ids meanwhile: the batch rolls back and runs
     * once more with every id looked up, so those callers are answered as replays, as every
     * other chat path answers a request id committed elsewhere. A transaction that fails
     * gives every caller the same error, with nothing committed.
     */
    static void serve(List<Pending> batch, Function<Boolean, BatchDecisions> serve) {
        try {
            BatchDecisions decided;
            try {
                decided = serve.apply(false);
            } catch (CommittedElsewhere e) {
                decided = serve.apply(true);
            }
            for (int i = 0; i < batch.size(); i++) {
                decided.complete(i, batch.get(i).outcome());
            }
        } catch (CommittedElsewhere e) {
            QuotaException busy = new QuotaException(ErrorCode.CONTENTION_TIMEOUT,
                    "request ids of this batch kept being committed concurrently elsewhere; retry");
            batch.forEach(pending -> pending.outcome().completeExceptionally(busy));
        } catch (RuntimeException e) {
            batch.forEach(pending -> pending.outcome().completeExceptionally(e));
        }
    }

    /** Fails the callers a closing path left queued. */
    static void failStranded(List<Pending> stranded) {
        stranded.forEach(pending -> pending.outcome().completeExceptionally(shutBeforeServed()));
    }

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
