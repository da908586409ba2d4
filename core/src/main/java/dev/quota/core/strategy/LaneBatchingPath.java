package dev.quota.core.strategy;

import dev.quota.core.strategy.BatchCallers.Pending;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * What both batching chat paths are around their batch transaction: a {@link LaneScheduler}
 * on flusher threads the path owns, the transactions it ran and the messages they served,
 * and a close that stops the flushers and fails whatever is still queued. A subclass says
 * how lanes form batches and what a batch does ({@link #flush}).
 */
abstract class LaneBatchingPath implements BatchingChatPath {

    private final ExecutorService flushers;
    private final LongAdder transactions = new LongAdder();
    private final LongAdder served = new LongAdder();
    final LaneScheduler<Pending> lanes;
    private final ReplyHolds holds;

    LaneBatchingPath(ReplyHolds holds, LaneScheduler.Settings settings, String threadName) {
        this.holds = holds;
        this.flushers = settings.maxInFlight() == Integer.MAX_VALUE
                ? Executors.newCachedThreadPool(runnable -> daemon(runnable, threadName))
                : Executors.newFixedThreadPool(settings.maxInFlight(), runnable -> daemon(runnable, threadName));
        this.lanes = new LaneScheduler<>(settings, Pending::key, flushers, batch -> {
            counted(batch.size());
            flush(batch);
        });
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    // a hold is one call before the model's reply and one after it: nothing to gain from a batch's lane
    @Override
    public final ReplyHolds holds() {
        return holds;
    }

    /** Runs one batch and answers each of its callers; never throws. */
    abstract void flush(List<Pending> batch);

    /** One more transaction, serving {@code messages}. */
    final void counted(int messages) {
        transactions.increment();
        served.add(messages);
    }

    @Override
    public final long transactions() {
        return transactions.sum();
    }

    @Override
    public final long served() {
        return served.sum();
    }

    @Override
    public final void close() {
        List<Pending> stranded = lanes.close();
        flushers.shutdown();
        BatchCallers.failStranded(stranded);
    }
}
