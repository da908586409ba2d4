package dev.quota.core.testing;

import dev.quota.core.Consumption;
import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs calls from many threads at once, released together, and tallies what came back:
 * accepted, replayed, each error code, and anything that was not a clean
 * {@link QuotaException} (which a test then fails on).
 */
public final class ConcurrentCalls {

    @FunctionalInterface
    public interface Call {
        Consumption invoke(int thread, int attempt);
    }

    public static final class Outcomes {
        public final LongAdder accepted = new LongAdder();
        public final LongAdder replayed = new LongAdder();
        public final Map<ErrorCode, LongAdder> errors = new ConcurrentHashMap<>();
        public final Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        /** (thread, attempt) of every call that failed with something other than quota_exceeded. */
        public final Queue<int[]> failedCalls = new ConcurrentLinkedQueue<>();

        public long errors(ErrorCode code) {
            LongAdder adder = errors.get(code);
            return adder == null ? 0 : adder.sum();
        }

        public long totalErrors() {
            return errors.values().stream().mapToLong(LongAdder::sum).sum();
        }

        @Override
        public String toString() {
            return "accepted=" + accepted + " replayed=" + replayed + " errors=" + errors + " unexpected=" + unexpected.size();
        }
    }

    private ConcurrentCalls() {
    }

    public static Outcomes run(int threads, int attemptsPerThread, Call call) {
        Outcomes outcomes = new Outcomes();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        AtomicInteger names = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    for (int attempt = 0; attempt < attemptsPerThread; attempt++) {
                        invoke(call, thread, attempt, outcomes);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "caller-" + names.incrementAndGet());
            worker.setDaemon(true);
            worker.start();
        }
        start.countDown();
        try {
            if (!done.await(5, TimeUnit.MINUTES)) {
                throw new AssertionError("concurrent calls did not finish within 5 minutes: a caller hangs");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return outcomes;
    }

    private static void invoke(Call call, int thread, int attempt, Outcomes outcomes) {
        try {
            Consumption result = call.invoke(thread, attempt);
            (result.replayed() ? outcomes.replayed : outcomes.accepted).increment();
        } catch (QuotaException e) {
            outcomes.errors.computeIfAbsent(e.code(), c -> new LongAdder()).increment();
            if (e.code() != ErrorCode.QUOTA_EXCEEDED) {
                outcomes.failedCalls.add(new int[] {thread, attempt});
            }
        } catch (Throwable e) {
            outcomes.unexpected.add(e);
            outcomes.failedCalls.add(new int[] {thread, attempt});
        }
    }
}
