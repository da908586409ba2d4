package dev.quota.core.strategy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The scheduling both batching chat paths share, with no database in it: messages queue in
 * one lane per counter (user, day), in arrival order; a counter is in at most one batch at a
 * time, so its messages are decided in that order; at most {@code maxInFlight} batches run
 * at once, each on a flusher; and a flusher that finishes a batch takes the next from the
 * lanes that are ready, until none is. What a batch does is the path's {@code flush}.
 *
 * <ul>
 *   <li>{@code coalescing}: a batch holds one lane ({@code acrossLanes} false), as many
 *       batches run as there are busy lanes.</li>
 *   <li>{@code group-commit}: a batch takes whole lanes in arrival order up to
 *       {@code maxBatch} messages, one batch per slot; and a message whose counter is idle
 *       while a slot is free runs alone on its caller's thread ({@link #tryRunAlone}).</li>
 * </ul>
 *
 * @param <T> a queued message, which knows its counter
 */
final class LaneScheduler<T> {

    /** How batches are formed. */
    record Settings(int maxBatch, int maxInFlight, Duration linger, boolean acrossLanes) {
        Settings {
            if (maxBatch < 1 || maxInFlight < 1 || linger.isNegative()) {
                throw new IllegalArgumentException("maxBatch and maxInFlight must be positive and linger not negative");
            }
        }
    }

    private final Settings settings;
    private final Function<T, CounterKey> keyOf;
    private final Executor flushers;
    private final Consumer<List<T>> flush;

    // guarded by this: the lanes of counters with queued messages, the counters in a batch
    // (or run alone), the lanes ready to be taken (queued, not busy) in arrival order, and
    // the batches running
    private final Map<CounterKey, ArrayDeque<T>> lanes = new HashMap<>();
    private final Set<CounterKey> busy = new HashSet<>();
    private final ArrayDeque<CounterKey> ready = new ArrayDeque<>();
    private int inFlight;
    private boolean closed;

    /**
     * @param flush runs one batch on a flusher thread and answers each of its messages; it
     *              must not throw (a failure is the messages' answer, not the scheduler's)
     */
    LaneScheduler(Settings settings, Function<T, CounterKey> keyOf, Executor flushers, Consumer<List<T>> flush) {
        this.settings = settings;
        this.keyOf = keyOf;
        this.flushers = flushers;
        this.flush = flush;
    }

    /**
     * Claims a slot for a message to run alone, on its caller's thread, when its counter is
     * idle with nothing queued and a slot is free; the caller then runs it and calls
     * {@link #doneAlone}. False: {@link #enqueue} it instead.
     */
    synchronized boolean tryRunAlone(CounterKey key) {
        if (closed || inFlight >= settings.maxInFlight() || busy.contains(key) || lanes.containsKey(key)) {
            return false;
        }
        busy.add(key);
        inFlight++;
        return true;
    }

    /** Gives back the slot and the counter a message run alone held. */
    synchronized void doneAlone(CounterKey key) {
        inFlight--;
        release(List.of(key));
        dispatch();
    }

    /** Queues a message in its counter's lane; false when the scheduler is closed. */
    synchronized boolean enqueue(T item) {
        if (closed) {
            return false;
        }
        CounterKey key = keyOf.apply(item);
        ArrayDeque<T> lane = lanes.computeIfAbsent(key, k -> new ArrayDeque<>());
        lane.add(item);
        if (lane.size() == 1 && !busy.contains(key)) {
            ready.add(key);
        }
        dispatch();
        return true;
    }

    /** Messages waiting for a batch now. */
    synchronized int queued() {
        return lanes.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    /** Stops taking batches; returns the messages still queued, for the path to fail. */
    synchronized List<T> close() {
        closed = true;
        List<T> stranded = new ArrayList<>();
        lanes.values().forEach(stranded::addAll);
        lanes.clear();
        ready.clear();
        return stranded;
    }

    /** Gives each free slot a batch while lanes are ready; with a linger, one slot at a time waits for more first. */
    private void dispatch() {
        while (!closed && inFlight < settings.maxInFlight() && !ready.isEmpty()) {
            inFlight++;
            if (settings.linger().isZero()) {
                List<T> batch = take();
                flushers.execute(() -> flushWhileReady(batch));
            } else {
                flushers.execute(this::lingerThenFlush);
                return;
            }
        }
    }

    /** Takes the next batch (whole lanes first, in arrival order) and marks its counters busy. */
    private List<T> take() {
        List<T> batch = new ArrayList<>();
        while (batch.size() < settings.maxBatch() && !ready.isEmpty()) {
            CounterKey key = ready.poll();
            ArrayDeque<T> lane = lanes.get(key);
            while (batch.size() < settings.maxBatch() && !lane.isEmpty()) {
                batch.add(lane.poll());
            }
            if (lane.isEmpty()) {
                lanes.remove(key);
            }
            busy.add(key);
            if (!settings.acrossLanes()) {
                break;
            }
        }
        return batch;
    }

    /** Frees the counters of a finished batch; a lane that queued meanwhile becomes ready. */
    private void release(Iterable<CounterKey> keys) {
        for (CounterKey key : keys) {
            busy.remove(key);
            if (lanes.containsKey(key)) {
                ready.add(key);
            }
        }
    }

    private void lingerThenFlush() {
        LockSupport.parkNanos(settings.linger().toNanos()); // the linger: messages arriving meanwhile join the batch
        List<T> batch;
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
    private void flushWhileReady(List<T> first) {
        List<T> batch = first;
        while (true) {
            flush.accept(batch);
            synchronized (this) {
                release(batch.stream().map(keyOf).distinct().toList());
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
}
