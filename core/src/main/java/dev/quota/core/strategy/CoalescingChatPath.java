package dev.quota.core.strategy;

import dev.quota.core.QuotaException;
import dev.quota.core.persistence.CoalescedBatchStatements;
import dev.quota.core.persistence.GroupCommitStatements.MessageRow;
import dev.quota.core.persistence.UsageDao;
import dev.quota.core.strategy.BatchCallers.Pending;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Group commit for the chat path. Concurrent messages for the same (user, UTC day) queue
 * in a lane; one flusher per lane takes up to {@code maxBatch} of them (after an optional
 * linger, and always whatever queued while the previous batch ran) and serves them all in
 * one transaction: the counter row is locked once, each caller is granted in arrival order
 * while its units fit, the counter moves once by what was granted, and exactly the accepted
 * messages are inserted. Every lock-based strategy is capped by one transaction per message
 * on a hot counter; this one pays one transaction per batch.
 *
 * <p>Idempotency holds: request ids already committed are answered as replays before
 * anything is charged, and the same id twice in a batch is charged once; an id another
 * process commits meanwhile is answered as a replay too ({@link BatchCallers#serve}). If the
 * batch transaction fails, every caller in it gets the same error and nothing of it is
 * committed, so a retry with the same request id is safe. The scheduling is
 * {@link LaneScheduler}'s, shared with {@code group-commit}. The path owns its flusher
 * threads: {@link #close()} stops them and fails whatever is still queued.
 */
public final class CoalescingChatPath extends LaneBatchingPath {

    public static final String NAME = "coalescing";
    public static final int DEFAULT_MAX_BATCH = 128;

    private final Jdbi jdbi;

    public CoalescingChatPath(Jdbi jdbi, int maxBatch, Duration linger) {
        // one lane a batch, as many batches at once as lanes have messages
        super(new ReplyHolds(jdbi, false), // not a strategy that runs on Citus (Strategies.ON_CITUS)
                new LaneScheduler.Settings(maxBatch, Integer.MAX_VALUE, linger, false), "quota-coalescer");
        this.jdbi = jdbi;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ChatOutcome accept(ChatRequest request) {
        return BatchCallers.await(submit(request));
    }

    /** Queues the request in its counter's lane; the future completes when its batch has committed or failed. */
    public CompletableFuture<ChatOutcome> submit(ChatRequest request) {
        Pending pending = new Pending(request);
        if (!lanes.enqueue(pending)) {
            return CompletableFuture.failedFuture(BatchCallers.shuttingDown());
        }
        return pending.outcome();
    }

    /** One lane's batch in one transaction. */
    @Override
    void flush(List<Pending> batch) {
        List<ChatRequest> requests = batch.stream().map(Pending::request).toList();
        CounterKey key = batch.get(0).key();
        BatchCallers.serve(batch, lookUpEveryId -> jdbi.inTransaction(handle -> serve(handle, key, requests, lookUpEveryId)));
    }

    private static BatchDecisions serve(Handle handle, CounterKey key, List<ChatRequest> requests, boolean lookUpEveryId) {
        Connection connection = handle.getConnection();
        String[] retryIds = requests.stream().filter(request -> lookUpEveryId || request.mayBeRetry())
                .map(ChatRequest::requestId).distinct().toArray(String[]::new);
        CoalescedBatchStatements.Opened opened = CoalescedBatchStatements.open(connection, key.userId(), key.day().date(), retryIds)
                .orElseThrow(() -> QuotaException.userNotFound(key.userId()));
        BatchDecisions.Counter counter = new BatchDecisions.Counter(opened.context().requireSubscribed(key.userId()));
        // the day's first batch creates the counter (or uses the one a concurrent writer just made);
        // the day's holds are read once it is locked, in a statement of its own
        UsageDao usage = handle.attach(UsageDao.class);
        int locked = opened.lockedCount() != null ? opened.lockedCount() : usage.lockOrCreate(key.userId(), key.day().date());
        counter.startAt(locked, usage.held(key.userId(), key.day().date()));
        BatchDecisions decided = BatchDecisions.decide(requests, Map.of(key, counter), opened.committed());
        List<MessageRow> messages = decided.messages();
        if (!messages.isEmpty()) {
            int stored = CoalescedBatchStatements.commit(connection, key.userId(), key.day().date(), counter.used,
                    messages.stream().map(MessageRow::requestId).toArray(String[]::new),
                    messages.stream().map(MessageRow::sentAt).toArray(String[]::new));
            if (stored != messages.size()) {
                throw new BatchCallers.CommittedElsewhere();
            }
        }
        return decided;
    }
}
