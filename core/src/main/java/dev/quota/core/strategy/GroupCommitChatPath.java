package dev.quota.core.strategy;

import dev.quota.core.QuotaDay;
import dev.quota.core.db.CitusDistribution;
import dev.quota.core.persistence.GroupCommitStatements;
import dev.quota.core.persistence.GroupCommitStatements.DayContext;
import dev.quota.core.persistence.GroupCommitStatements.DayKey;
import dev.quota.core.persistence.GroupCommitStatements.MessageRow;
import dev.quota.core.persistence.GroupCommitStatements.Requested;
import dev.quota.core.strategy.BatchDecisions.Counter;
import dev.quota.core.strategy.BatchCallers.Pending;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p>The scheduling (lanes, slots, the message alone) is {@link LaneScheduler}'s, shared with
 * {@code coalescing}; this class is the batch's transaction. The path owns its flusher
 * threads: {@link #close()} stops them and fails whatever is still queued.
 */
public final class GroupCommitChatPath extends LaneBatchingPath {

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
    /** On a Citus coordinator the batch is {@link CitusGroupCommit}'s statements, and a message alone {@code atomic}'s Citus form. */
    private final boolean onCitus;

    public GroupCommitChatPath(Jdbi jdbi) {
        this(jdbi, DEFAULT_MAX_BATCH, DEFAULT_MAX_IN_FLIGHT, Duration.ZERO);
    }

    public GroupCommitChatPath(Jdbi jdbi, int maxBatch, int maxInFlight, Duration linger) {
        this(jdbi, maxBatch, maxInFlight, linger, jdbi.withHandle(CitusDistribution::isCoordinator));
    }

    private GroupCommitChatPath(Jdbi jdbi, int maxBatch, int maxInFlight, Duration linger, boolean citusForm) {
        super(new ReplyHolds(jdbi, citusForm), new LaneScheduler.Settings(maxBatch, maxInFlight, linger, true), "quota-group-commit");
        this.jdbi = jdbi;
        this.single = new OneStatementChatPath(jdbi, citusForm);
        this.onCitus = citusForm;
    }

    /**
     * The form a Citus coordinator runs ({@link CitusGroupCommit}), on whatever server
     * {@code jdbi} reaches: its statements run on one PostgreSQL as well, so the shared
     * contract suite holds it to the same promises without a cluster.
     */
    public static GroupCommitChatPath citusForm(Jdbi jdbi) {
        return new GroupCommitChatPath(jdbi, DEFAULT_MAX_BATCH, DEFAULT_MAX_IN_FLIGHT, Duration.ZERO, true);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ChatOutcome accept(ChatRequest request) {
        CounterKey key = request.counterKey();
        if (lanes.tryRunAlone(key)) {
            counted(1);
            try {
                return single.accept(request);
            } finally {
                lanes.doneAlone(key);
            }
        }
        Pending pending = new Pending(request);
        if (!lanes.enqueue(pending)) {
            throw BatchCallers.shuttingDown();
        }
        return BatchCallers.await(pending.outcome());
    }

    /** Messages waiting for a batch now. */
    public int queued() {
        return lanes.queued();
    }

    // --- the batch transaction ---------------------------------------------------------------

    @Override
    void flush(List<Pending> batch) {
        if (batch.size() == 1) {
            Pending only = batch.get(0);
            try {
                only.outcome().complete(single.accept(only.request()));
            } catch (RuntimeException e) {
                only.outcome().completeExceptionally(e);
            }
            return;
        }
        serveBatch(batch);
    }

    private void serveBatch(List<Pending> batch) {
        List<ChatRequest> requests = batch.stream().map(Pending::request).toList();
        BatchCallers.serve(batch, lookUpEveryId -> jdbi.inTransaction(handle -> onCitus
                ? CitusGroupCommit.serve(handle, requests, lookUpEveryId)
                : serve(handle, requests, lookUpEveryId)));
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
        // the ids were generated for these calls: the statement stores them without arbitration,
        // and a duplicate would fail the whole batch rather than be taken for a replay
        GroupCommitStatements.AcceptedAll all = GroupCommitStatements.acceptAll(handle.getConnection(), requested, messages);
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
                    .forEach((key, locked) -> counters.get(counterKey(key)).startAt(locked.used(), locked.held()));
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
        Map<CounterKey, Counter> counters = counters(opened.contexts());
        // the counters are locked now: their holds, and their counts again, in a statement of its own
        List<DayKey> subscribed = opened.contexts().stream().filter(row -> row.context().subscribed()).map(DayContext::key).toList();
        if (!subscribed.isEmpty()) {
            GroupCommitStatements.readLocked(handle.getConnection(), subscribed)
                    .forEach((key, locked) -> counters.get(counterKey(key)).startAt(locked.used(), locked.held()));
        }
        return write(handle, BatchDecisions.decide(requests, counters, opened.committed()));
    }

    static Map<CounterKey, Counter> counters(List<DayContext> contexts) {
        Map<CounterKey, Counter> counters = new HashMap<>();
        contexts.forEach(row -> counters.put(counterKey(row.key()), new Counter(row.context())));
        return counters;
    }

    static CounterKey counterKey(DayKey key) {
        return new CounterKey(key.userId(), QuotaDay.of(key.day()));
    }

    /** Moves the counters decided one by one and stores their accepted messages, in the batch's transaction. */
    private static BatchDecisions write(Handle handle, BatchDecisions decided) {
        List<MessageRow> messages = decided.messages();
        if (!messages.isEmpty()) {
            Set<String> stored = GroupCommitStatements.commit(handle.getConnection(), decided.writes(), messages);
            if (stored.size() != messages.size()) {
                throw new BatchCallers.CommittedElsewhere();
            }
        }
        return decided;
    }
}
