package dev.quota.core.strategy;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import dev.quota.core.persistence.CoalescedBatchStatements;
import dev.quota.core.persistence.GroupCommitStatements.MessageRow;
import dev.quota.core.persistence.UsageDao;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
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
 * anything is charged, and the same id twice in a batch is charged once. If the batch
 * transaction fails, every caller in it gets the same error and nothing of it is committed,
 * so a retry with the same request id is safe. The path owns its flusher threads:
 * {@link #close()} stops them and fails whatever is still queued.
 */
public final class CoalescingChatPath implements BatchingChatPath {

    public static final String NAME = "coalescing";
    public static final int DEFAULT_MAX_BATCH = 128;

    private final Jdbi jdbi;
    private final int maxBatch;
    private final Duration linger;
    private final ConcurrentHashMap<CounterKey, Lane> lanes = new ConcurrentHashMap<>();
    private final ExecutorService flushers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "quota-coalescer");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closed;
    private final LongAdder batches = new LongAdder();
    private final LongAdder served = new LongAdder();

    public CoalescingChatPath(Jdbi jdbi, int maxBatch, Duration linger) {
        if (maxBatch < 1 || linger.isNegative()) {
            throw new IllegalArgumentException("maxBatch must be positive and linger not negative");
        }
        this.jdbi = jdbi;
        this.maxBatch = maxBatch;
        this.linger = linger;
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
        if (closed) {
            return CompletableFuture.failedFuture(BatchCallers.shuttingDown());
        }
        Pending pending = new Pending(request, new CompletableFuture<>());
        Lane lane = lanes.computeIfAbsent(request.counterKey(), Lane::new);
        boolean startFlusher;
        synchronized (lane) {
            lane.queue.add(pending);
            startFlusher = !lane.flushing;
            lane.flushing = true;
        }
        if (startFlusher) {
            flushers.execute(lane::drain);
        }
        return pending.outcome();
    }

    @Override
    public long transactions() {
        return batches.sum();
    }

    @Override
    public long served() {
        return served.sum();
    }

    @Override
    public void close() {
        closed = true;
        flushers.shutdown();
        for (Lane lane : lanes.values()) {
            synchronized (lane) {
                for (Pending pending : lane.queue) {
                    pending.outcome().completeExceptionally(BatchCallers.shutBeforeServed());
                }
                lane.queue.clear();
            }
        }
    }

    private record Pending(ChatRequest request, CompletableFuture<ChatOutcome> outcome) {
    }

    /** The queue of one counter, drained by at most one flusher at a time. */
    private final class Lane {
        private final CounterKey key;
        private final ArrayDeque<Pending> queue = new ArrayDeque<>();
        private boolean flushing;

        Lane(CounterKey key) {
            this.key = key;
        }

        void drain() {
            if (!linger.isZero()) {
                LockSupport.parkNanos(linger.toNanos());
            }
            while (true) {
                List<Pending> batch = new ArrayList<>();
                synchronized (this) {
                    while (batch.size() < maxBatch && !queue.isEmpty()) {
                        batch.add(queue.poll());
                    }
                    if (batch.isEmpty()) {
                        flushing = false;
                        lanes.remove(key, this);
                        return;
                    }
                }
                flush(batch);
            }
        }

        private void flush(List<Pending> batch) {
            batches.increment();
            served.add(batch.size());
            List<ChatRequest> requests = batch.stream().map(Pending::request).toList();
            try {
                BatchDecisions decided = jdbi.inTransaction(handle -> serve(handle, requests));
                for (int i = 0; i < batch.size(); i++) {
                    decided.complete(i, batch.get(i).outcome());
                }
            } catch (RuntimeException e) {
                batch.forEach(pending -> pending.outcome().completeExceptionally(e));
            }
        }

        private BatchDecisions serve(Handle handle, List<ChatRequest> requests) {
            Connection connection = handle.getConnection();
            String[] retryIds = requests.stream().filter(ChatRequest::mayBeRetry)
                    .map(ChatRequest::requestId).distinct().toArray(String[]::new);
            CoalescedBatchStatements.Opened opened = CoalescedBatchStatements.open(connection, key.userId(), key.day().date(), retryIds)
                    .orElseThrow(() -> QuotaException.userNotFound(key.userId()));
            BatchDecisions.Counter counter = new BatchDecisions.Counter(opened.context().requireSubscribed(key.userId()));
            // the day's first batch creates the counter (or uses the one a concurrent writer just made)
            counter.startAt(opened.lockedCount() != null ? opened.lockedCount()
                    : handle.attach(UsageDao.class).lockOrCreate(key.userId(), key.day().date()));
            BatchDecisions decided = BatchDecisions.decide(requests, Map.of(key, counter), opened.committed());
            List<MessageRow> messages = decided.messages();
            if (!messages.isEmpty()) {
                int stored = CoalescedBatchStatements.commit(connection, key.userId(), key.day().date(), counter.used,
                        messages.stream().map(MessageRow::requestId).toArray(String[]::new),
                        messages.stream().map(MessageRow::sentAt).toArray(String[]::new));
                if (stored != messages.size()) {
                    // Another process committed one of these request ids meanwhile. The whole
                    // batch fails and rolls back; its callers retry with their request ids, and
                    // the retry's replay check then sees the one that was committed.
                    throw new QuotaException(ErrorCode.CONTENTION_TIMEOUT,
                            "a request id of this batch was committed concurrently elsewhere; retry");
                }
            }
            return decided;
        }
    }
}
