package dev.quota.core.strategy;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import dev.quota.core.QuotaStatus;
import dev.quota.core.RequestIds;
import dev.quota.core.db.SqlStates;
import dev.quota.core.persistence.CoalescedBatchStatements;
import dev.quota.core.persistence.QuotaContext;
import dev.quota.core.persistence.UsageDao;
import java.sql.Connection;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * transaction fails, every caller in it gets the same clean error and nothing of it is
 * committed. {@link #close()} fails whatever is still queued.
 */
public final class CoalescingStrategy implements ConsumptionStrategy, BatchedChatPath, AutoCloseable {

    public static final String NAME = "coalescing";
    public static final int DEFAULT_MAX_BATCH = 128;

    private final AtomicStrategy outsideChatPath = new AtomicStrategy();
    private final int maxBatch;
    private final Duration linger;
    private final ConcurrentHashMap<CounterKey, Lane> lanes = new ConcurrentHashMap<>();
    private final ExecutorService flushers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "quota-coalescer");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closed;
    private final java.util.concurrent.atomic.LongAdder batches = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder served = new java.util.concurrent.atomic.LongAdder();

    public CoalescingStrategy(int maxBatch, Duration linger) {
        if (maxBatch < 1 || linger.isNegative()) {
            throw new IllegalArgumentException("maxBatch must be positive and linger not negative");
        }
        this.maxBatch = maxBatch;
        this.linger = linger;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Outside the chat path (a caller's own transaction) there is nothing to batch with: one guarded upsert. */
    @Override
    public Decision consume(Handle handle, CounterKey counter, int units, int limit) {
        return outsideChatPath.consume(handle, counter, units, limit);
    }

    @Override
    public CompletableFuture<Outcome> submit(Jdbi jdbi, Pending pending) {
        if (closed) {
            return CompletableFuture.failedFuture(new QuotaException(ErrorCode.CONTENTION_TIMEOUT, "the quota service is shutting down"));
        }
        Lane lane = lanes.computeIfAbsent(new CounterKey(pending.userId(), pending.day()), key -> new Lane(jdbi, key));
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

    /** Batches flushed so far. */
    public long batches() {
        return batches.sum();
    }

    /** Messages served by those batches: divided by {@link #batches()}, the mean batch size. */
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
                    pending.outcome().completeExceptionally(
                            new QuotaException(ErrorCode.CONTENTION_TIMEOUT, "the quota service shut down before this message was served"));
                }
                lane.queue.clear();
            }
        }
    }

    /** The queue of one counter, drained by at most one flusher at a time. */
    private final class Lane {
        private final Jdbi jdbi;
        private final CounterKey key;
        private final ArrayDeque<Pending> queue = new ArrayDeque<>();
        private boolean flushing;

        Lane(Jdbi jdbi, CounterKey key) {
            this.jdbi = jdbi;
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
            try {
                Map<Pending, Outcome> outcomes = jdbi.inTransaction(handle -> serve(handle, batch));
                outcomes.forEach((pending, outcome) -> pending.outcome().complete(outcome));
            } catch (RuntimeException e) {
                QuotaException error = SqlStates.translate(e);
                batch.forEach(pending -> pending.outcome().completeExceptionally(error));
            }
        }

        private Map<Pending, Outcome> serve(Handle handle, List<Pending> batch) {
            Connection connection = handle.getConnection();
            String[] retryIds = batch.stream().filter(Pending::mayBeRetry).map(Pending::requestId).distinct().toArray(String[]::new);
            CoalescedBatchStatements.Opened opened = CoalescedBatchStatements.open(connection, key.userId(), key.day().date(), retryIds)
                    .orElseThrow(() -> QuotaException.userNotFound(key.userId()));
            QuotaContext context = opened.context().requireSubscribed(key.userId());
            int limit = QuotaStatus.effectiveLimit(context.planLimit(), context.granted());
            Set<String> committed = opened.committed();
            Integer locked = opened.lockedCount();
            if (locked == null) {
                // the day's first batch: create the counter (or use the one a concurrent writer just made) and lock it
                UsageDao usage = handle.attach(UsageDao.class);
                usage.insertIfAbsent(key.userId(), key.day().date(), 0);
                locked = usage.readForUpdate(key.userId(), key.day().date()).orElseThrow();
            }
            int used = locked;
            int before = used;
            Map<Pending, Boolean> decisions = new HashMap<>();
            Set<String> chargedInBatch = new HashSet<>();
            List<String> ids = new ArrayList<>();
            List<String> sentAt = new ArrayList<>();
            for (Pending pending : batch) {
                if (committed.contains(pending.requestId()) || chargedInBatch.contains(pending.requestId())) {
                    continue; // a replay: answered below, not charged
                }
                if ((long) used + pending.units() <= limit) {
                    used += pending.units();
                    chargedInBatch.add(pending.requestId());
                    decisions.put(pending, true);
                    String at = pending.sentAt().atOffset(ZoneOffset.UTC).toString();
                    for (String id : RequestIds.forUnits(pending.requestId(), pending.units())) {
                        ids.add(id);
                        sentAt.add(at);
                    }
                } else {
                    decisions.put(pending, false);
                }
            }
            if (used != before) {
                int stored = CoalescedBatchStatements.commit(connection, key.userId(), key.day().date(), used,
                        ids.toArray(String[]::new), sentAt.toArray(String[]::new));
                if (stored != ids.size()) {
                    // another process committed one of these request ids meanwhile: undo, and serve
                    // the batch again, when the replay check will see it
                    throw new QuotaException(ErrorCode.CONTENTION_TIMEOUT,
                            "a request id of this batch was committed concurrently elsewhere; retry");
                }
            }
            Map<Pending, Outcome> outcomes = new HashMap<>();
            for (Pending pending : batch) {
                Boolean accepted = decisions.get(pending);
                boolean replay = accepted == null;
                outcomes.put(pending, new Outcome(replay || accepted, replay, used, limit, context.planCode(),
                        context.planLimit(), context.granted(), context.email()));
            }
            return outcomes;
        }
    }
}
