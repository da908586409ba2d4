package dev.quota.core.strategy;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.core.persistence.GroupCommitStatements;
import dev.quota.core.persistence.GroupCommitStatements.DayContext;
import dev.quota.core.persistence.GroupCommitStatements.DayKey;
import dev.quota.core.persistence.GroupCommitStatements.MessageRow;
import dev.quota.core.persistence.GroupCommitStatements.Requested;
import dev.quota.core.strategy.BatchDecisions.Counter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Group commit across users. Concurrent chat-path calls, whoever their user, are served in
 * batches of up to {@code maxBatch} messages, each batch one transaction of set-based
 * statements ({@link GroupCommitStatements}): with every commit flushed to disk, one flush
 * then serves a whole batch instead of one message. The usual batch (no retried request id
 * to look up) is one statement; a batch with retried ids, or with users whose messages do
 * not all fit, takes a second.
 *
 * <ul>
 *   <li><b>Adaptive.</b> While fewer than {@code maxInFlight} transactions run, a message
 *       whose counter is idle goes at once, on its caller's thread, as the atomic strategy's
 *       one statement: with no concurrency this path is {@code atomic}. Messages queue only
 *       when every slot is busy, and the next free slot takes all that queued (after an
 *       optional linger) as one batch.</li>
 *   <li><b>In order per counter.</b> A (user, day) is in at most one transaction at a time;
 *       its messages wait in its own lane and are decided in arrival order.</li>
 *   <li><b>No deadlock.</b> A batch locks its counters in one global order (user id, day),
 *       so batches in flight, here or in other processes, wait for each other but never in a
 *       cycle. At most {@code maxInFlight} transactions run at once: one per connection the
 *       strategy is meant to own, since a batch holds its connection for its whole life.</li>
 *   <li><b>Failures stay with their caller.</b> An unknown user, a user without a
 *       subscription or a message over its limit is answered for that caller while the rest
 *       of the batch commits. A failure of the transaction itself (a killed backend, a
 *       timeout) gives every caller of the batch the same error with nothing committed, so
 *       a retry with the same request id is safe.</li>
 *   <li><b>Idempotent.</b> Retried request ids already committed are answered as replays,
 *       and the same id twice in a batch is charged once. When another process commits one
 *       of the batch's ids meanwhile, the batch rolls back and runs once more.</li>
 * </ul>
 *
 * <p>The path owns its flusher threads: {@link #close()} stops them and fails whatever is
 * still queued.
 */
public final class GroupCommitChatPath implements BatchingChatPath {

    public static final String NAME = "group-commit";
    public static final int DEFAULT_MAX_BATCH = 128;
    /**
     * One transaction in flight per core: a batch keeps its server backend busy from its first
     * statement to its commit, so more batches than cores only queue inside the server, and
     * smaller batches cost more per message. Measured on 2 cores, uniform traffic at 16
     * threads (docs/strategies.md): 2 in flight served more than 1, 3 or 4.
     */
    public static final int DEFAULT_MAX_IN_FLIGHT = Runtime.getRuntime().availableProcessors();

    private final Jdbi jdbi;
    private final OneStatementChatPath single;
    private final int maxBatch;
    private final int maxInFlight;
    private final Duration linger;
    private final ExecutorService flushers;
    private final LongAdder transactions = new LongAdder();
    private final LongAdder served = new LongAdder();

    // guarded by this: the lanes of counters with queued messages, the counters in a
    // transaction, the lanes ready to be taken (queued, not busy) in arrival order, and the
    // transactions running
    private final Map<CounterKey, ArrayDeque<Pending>> lanes = new HashMap<>();
    private final Set<CounterKey> busy = new HashSet<>();
    private final ArrayDeque<CounterKey> ready = new ArrayDeque<>();
    private int inFlight;
    private boolean closed;

    public GroupCommitChatPath(Jdbi jdbi) {
        this(jdbi, DEFAULT_MAX_BATCH, DEFAULT_MAX_IN_FLIGHT, Duration.ZERO);
    }

    public GroupCommitChatPath(Jdbi jdbi, int maxBatch, int maxInFlight, Duration linger) {
        if (maxBatch < 1 || maxInFlight < 1 || linger.isNegative()) {
            throw new IllegalArgumentException("maxBatch and maxInFlight must be positive and linger not negative");
        }
        this.jdbi = jdbi;
        this.single = new OneStatementChatPath(jdbi);
        this.maxBatch = maxBatch;
        this.maxInFlight = maxInFlight;
        this.linger = linger;
        this.flushers = Executors.newFixedThreadPool(maxInFlight, runnable -> {
            Thread thread = new Thread(runnable, "quota-group-commit");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ChatOutcome accept(ChatRequest request) {
        CounterKey key = request.counterKey();
        CompletableFuture<ChatOutcome> queued;
        synchronized (this) {
            if (closed) {
                throw BatchCallers.shuttingDown();
            }
            if (inFlight < maxInFlight && !busy.contains(key) && !lanes.containsKey(key)) {
                busy.add(key);
                inFlight++;
                queued = null;
            } else {
                queued = enqueue(request, key);
            }
        }
        if (queued == null) {
            return acceptAlone(request, key);
        }
        return BatchCallers.await(queued);
    }

    /** Messages waiting for a batch now. */
    public synchronized int queued() {
        return lanes.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    /** Transactions run so far, the messages served alone included. */
    @Override
    public long transactions() {
        return transactions.sum();
    }

    @Override
    public long served() {
        return served.sum();
    }

    @Override
    public void close() {
        List<Pending> stranded = new ArrayList<>();
        synchronized (this) {
            closed = true;
            lanes.values().forEach(stranded::addAll);
            lanes.clear();
            ready.clear();
        }
        flushers.shutdown();
        stranded.forEach(pending -> pending.outcome().completeExceptionally(BatchCallers.shutBeforeServed()));
    }

    private record Pending(ChatRequest request, CounterKey key, CompletableFuture<ChatOutcome> outcome) {
    }

    private ChatOutcome acceptAlone(ChatRequest request, CounterKey key) {
        transactions.increment();
        served.increment();
        try {
            return single.accept(request);
        } finally {
            synchronized (this) {
                inFlight--;
                release(List.of(key));
                dispatch();
            }
        }
    }

    // --- scheduling (every method below that touches the state holds this monitor) ---------

    private CompletableFuture<ChatOutcome> enqueue(ChatRequest request, CounterKey key) {
        Pending pending = new Pending(request, key, new CompletableFuture<>());
        ArrayDeque<Pending> lane = lanes.computeIfAbsent(key, k -> new ArrayDeque<>());
        lane.add(pending);
        if (lane.size() == 1 && !busy.contains(key)) {
            ready.add(key);
        }
        dispatch();
        return pending.outcome();
    }

    /**
     * Gives each free slot a batch while lanes are ready. With a linger, one slot at a time
     * waits for more messages before it takes its batch.
     */
    private void dispatch() {
        while (!closed && inFlight < maxInFlight && !ready.isEmpty()) {
            inFlight++;
            if (linger.isZero()) {
                List<Pending> batch = take();
                flushers.execute(() -> flushWhileReady(batch));
            } else {
                flushers.execute(this::lingerThenFlush);
                return;
            }
        }
    }

    /** Takes up to {@code maxBatch} queued messages, whole lanes first in arrival order, and marks their counters busy. */
    private List<Pending> take() {
        List<Pending> batch = new ArrayList<>();
        while (batch.size() < maxBatch && !ready.isEmpty()) {
            CounterKey key = ready.poll();
            ArrayDeque<Pending> lane = lanes.get(key);
            while (batch.size() < maxBatch && !lane.isEmpty()) {
                batch.add(lane.poll());
            }
            if (lane.isEmpty()) {
                lanes.remove(key);
            }
            busy.add(key);
        }
        return batch;
    }

    /** Frees the counters of a finished transaction; a lane that queued meanwhile becomes ready. */
    private void release(Iterable<CounterKey> keys) {
        for (CounterKey key : keys) {
            busy.remove(key);
            if (lanes.containsKey(key)) {
                ready.add(key);
            }
        }
    }

    private void lingerThenFlush() {
        LockSupport.parkNanos(linger.toNanos());
        List<Pending> batch;
        synchronized (this) {
            batch = closed ? List.of() : take();
            if (batch.isEmpty()) {
                inFlight--;
                return;
            }
        }
        flushWhileReady(batch);
    }

    /** A flusher's life: batches while lanes are ready, then its slot is given back. */
    private void flushWhileReady(List<Pending> first) {
        List<Pending> batch = first;
        while (true) {
            flush(batch);
            synchronized (this) {
                release(batch.stream().map(Pending::key).distinct().toList());
                batch = closed ? List.of() : take();
                if (batch.isEmpty()) {
                    inFlight--;
                }
                dispatch();
                if (batch.isEmpty()) {
                    return;
                }
            }
        }
    }

    // --- the batch transaction ---------------------------------------------------------------

    private void flush(List<Pending> batch) {
        transactions.increment();
        served.add(batch.size());
        if (batch.size() == 1) {
            Pending only = batch.get(0);
            try {
                only.outcome().complete(single.accept(only.request()));
            } catch (RuntimeException e) {
                only.outcome().completeExceptionally(e);
            }
            return;
        }
        List<ChatRequest> requests = batch.stream().map(Pending::request).toList();
        try {
            BatchDecisions decided;
            try {
                decided = jdbi.inTransaction(handle -> serve(handle, requests, false));
            } catch (CommittedElsewhere e) {
                // the rerun looks every request id up first: it sees the one the other process committed
                decided = jdbi.inTransaction(handle -> serve(handle, requests, true));
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

    /** A request id of the batch was committed by another transaction after the batch's replay check. */
    private static final class CommittedElsewhere extends RuntimeException {
        CommittedElsewhere() {
            super(null, null, false, false);
        }
    }

    /**
     * Serves the batch in the caller's transaction. With no request id to look up (the usual
     * batch: ids generated for the call) one statement does it all ({@link #serveAtOnce});
     * otherwise, or when {@code lookUpEveryId}, the ids are looked up before anything is
     * charged ({@link #serveChecked}).
     */
    private static BatchDecisions serve(Handle handle, List<ChatRequest> requests, boolean lookUpEveryId) {
        boolean retries = requests.stream().anyMatch(ChatRequest::mayBeRetry);
        return retries || lookUpEveryId ? serveChecked(handle, requests, lookUpEveryId) : serveAtOnce(handle, requests);
    }

    /**
     * One statement locks every counter in the global order and charges and stores every
     * (user, day) whose messages all fit. The others, left locked, are decided one message at
     * a time from their current counts and written by a second statement.
     */
    private static BatchDecisions serveAtOnce(Handle handle, List<ChatRequest> requests) {
        List<Requested> requested = new ArrayList<>();
        List<MessageRow> messages = new ArrayList<>();
        for (ChatRequest request : requests) {
            requested.add(new Requested(request.userId(), request.day().date(), request.units()));
            messages.addAll(BatchDecisions.messagesOf(request));
        }
        GroupCommitStatements.AcceptedAll all = GroupCommitStatements.acceptAll(handle.getConnection(), requested, messages);
        long settledMessages = messages.stream().filter(m -> all.counted().contains(new DayKey(m.userId(), m.day()))).count();
        if (all.stored().size() != settledMessages) {
            throw new CommittedElsewhere();
        }
        Map<CounterKey, Counter> counters = counters(all.contexts());
        List<DayKey> unsettled = new ArrayList<>();
        for (DayContext row : all.contexts()) {
            Counter counter = counters.get(counterKey(row.key()));
            counter.settled = all.counted().contains(row.key());
            if (!counter.settled && row.context().subscribed()) {
                unsettled.add(row.key());
            }
        }
        if (!unsettled.isEmpty()) {
            GroupCommitStatements.readLocked(handle.getConnection(), unsettled)
                    .forEach((key, count) -> counters.get(counterKey(key)).startAt(count));
        }
        return write(handle, BatchDecisions.decide(requests, counters, Set.of()));
    }

    /** Looks the retried request ids up and locks every counter first; then decides and writes. */
    private static BatchDecisions serveChecked(Handle handle, List<ChatRequest> requests, boolean lookUpEveryId) {
        Set<DayKey> keys = new LinkedHashSet<>();
        Set<String> retryIds = new LinkedHashSet<>();
        for (ChatRequest request : requests) {
            keys.add(new DayKey(request.userId(), request.day().date()));
            if (lookUpEveryId || request.mayBeRetry()) {
                retryIds.add(request.requestId());
            }
        }
        GroupCommitStatements.Opened opened = GroupCommitStatements.open(handle.getConnection(), List.copyOf(keys),
                retryIds.toArray(String[]::new));
        return write(handle, BatchDecisions.decide(requests, counters(opened.contexts()), opened.committed()));
    }

    private static Map<CounterKey, Counter> counters(List<DayContext> contexts) {
        Map<CounterKey, Counter> counters = new HashMap<>();
        contexts.forEach(row -> counters.put(counterKey(row.key()), new Counter(row.context())));
        return counters;
    }

    private static CounterKey counterKey(DayKey key) {
        return new CounterKey(key.userId(), QuotaDay.of(key.day()));
    }

    /** Moves the counters decided one by one and stores their accepted messages, in the batch's transaction. */
    private static BatchDecisions write(Handle handle, BatchDecisions decided) {
        List<MessageRow> messages = decided.messages();
        if (!messages.isEmpty()) {
            Set<String> stored = GroupCommitStatements.commit(handle.getConnection(), decided.writes(), messages);
            if (stored.size() != messages.size()) {
                throw new CommittedElsewhere();
            }
        }
        return decided;
    }
}
