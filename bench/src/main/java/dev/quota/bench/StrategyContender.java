package dev.quota.bench;

import dev.quota.core.service.ChatService;
import dev.quota.core.strategy.BatchingChatPath;
import dev.quota.core.strategy.ChatPath;
import dev.quota.core.strategy.Strategies;
import dev.quota.core.workload.Workload;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * A strategy's chat path in this JVM, with its own schema, pool and callers, kept open for
 * the whole cell: its JIT-compiled code and its connections carry over from one trial to the
 * next, as they would in a backend that has been running for a while.
 */
final class StrategyContender implements Contender {

    private final String strategy;
    private final int threads;
    private final BenchTarget target;
    private final ChatPath path;
    private final ChatService chat;
    private final Workload.Sampler sampler;
    private final ExecutorService callers;
    private final SplittableRandom seeds;

    private StrategyContender(String strategy, int threads, BenchTarget target, ChatPath path, Workload.Sampler sampler, long seed) {
        this.strategy = strategy;
        this.threads = threads;
        this.target = target;
        this.path = path;
        this.chat = new ChatService(target.database.jdbi(), path, Clock.systemUTC());
        this.sampler = sampler;
        this.callers = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "paired-" + strategy);
            thread.setDaemon(true);
            return thread;
        });
        this.seeds = new SplittableRandom(seed);
    }

    static StrategyContender open(SeededTemplate seed, String strategy, Workload workload, int threads, long randomSeed) {
        BenchTarget target = seed.copy(BenchConnections.pool(threads));
        try {
            return new StrategyContender(strategy, threads, target, Strategies.open(strategy, target.database.jdbi()),
                    workload.sampler(BenchTarget.users(workload)), randomSeed);
        } catch (RuntimeException e) {
            target.close();
            throw e;
        }
    }

    /** Its schema: the runner asks any one for the server's checkpoint. */
    BenchTarget target() {
        return target;
    }

    @Override
    public String kind() {
        return STRATEGY;
    }

    @Override
    public String name() {
        return strategy;
    }

    @Override
    public int clients() {
        return BenchConnections.of(strategy, threads);
    }

    /**
     * Every caller sends messages until the trial's deadline; a call counts when it ended
     * before it. Latencies are kept per caller and merged, in microseconds.
     */
    @Override
    public PairedRun.Trial run(int round, int position, int seconds) throws Exception {
        long servedBefore = path instanceof BatchingChatPath batching ? batching.served() : 0;
        long transactionsBefore = path instanceof BatchingChatPath batching ? batching.transactions() : 0;
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong deadline = new AtomicLong();
        List<Future<Histogram>> calls = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            SplittableRandom random = seeds.split();
            calls.add(callers.submit(() -> {
                Histogram latencies = new Histogram(3);
                ready.countDown();
                go.await();
                long end = deadline.get();
                while (true) {
                    long start = System.nanoTime();
                    if (start >= end) {
                        return latencies;
                    }
                    DatabaseBenchmark.refusalCounts(() -> chat.acceptMessage(Long.toString(1L + sampler.next(random)), null));
                    long stop = System.nanoTime();
                    if (stop <= end) {
                        latencies.recordValue(Math.max(1, (stop - start) / 1_000));
                    }
                }
            }));
        }
        ready.await();
        deadline.set(System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds));
        go.countDown();
        Histogram all = new Histogram(3);
        for (Future<Histogram> call : calls) {
            all.add(call.get());
        }
        Double meanBatch = null;
        if (path instanceof BatchingChatPath batching) {
            long transactions = batching.transactions() - transactionsBefore;
            meanBatch = transactions == 0 ? null : (double) (batching.served() - servedBefore) / transactions;
        }
        return new PairedRun.Trial(round, position, (double) all.getTotalCount() / seconds,
                all.getValueAtPercentile(50) / 1000.0, all.getValueAtPercentile(99) / 1000.0, meanBatch);
    }

    @Override
    public void checkInvariants() {
        target.requireInvariants(strategy, true);
    }

    @Override
    public void close() {
        callers.shutdownNow();
        try {
            path.close();
        } finally {
            target.close();
        }
    }
}
