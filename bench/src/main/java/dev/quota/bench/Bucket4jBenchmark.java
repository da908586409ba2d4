package dev.quota.bench;

import dev.quota.core.workload.Workload;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.RemoteBucketBuilder;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * The peer: Bucket4j's PostgreSQL proxy managers holding the same daily limit per user (a
 * bucket of {@code limit} tokens refilled once a day), on the same workloads, database and
 * pool. It keeps a counter only, so it is compared with the strategies' counter path.
 *
 * <p>Each user's bucket proxy is built once and kept, as Bucket4j's documentation has it: its
 * {@code batching} optimization merges the concurrent requests made through one proxy into a
 * single database call, so it only works on a proxy shared by the callers of that user.
 */
public class Bucket4jBenchmark extends DatabaseBenchmark {

    @Param({"select-for-update", "advisory-lock"})
    public String manager;

    /** Without an optimization, or with {@code Optimizations.batching()}: its best setting for concurrent callers. */
    @Param({"none", "batching"})
    public String optimization;

    @Param({"hot", "uniform", "zipf"})
    public Workload workload;

    @Param({"accept", "refuse"})
    public Limits limits;

    private ProxyManager<Long> buckets;
    private final ConcurrentHashMap<Long, Bucket> proxies = new ConcurrentHashMap<>();
    private BucketConfiguration daily;
    private Workload.Sampler sampler;

    /** One user row: the peer keeps its own buckets, whatever the workload's number of users. */
    @Override
    int users() {
        return 1;
    }

    @Override
    int limit() {
        return limits.limit;
    }

    @Override
    boolean storesMessages() {
        return false;
    }

    @Override
    String describe() {
        return "Bucket4j " + manager + " (" + optimization + ") on " + workload;
    }

    @Override
    void prepare(BenchTarget trial) {
        // Bucket4j's documented table for PostgreSQL
        trial.database.jdbi().useHandle(handle -> handle.execute("CREATE TABLE bucket (id BIGINT PRIMARY KEY, state BYTEA)"));
        buckets = "advisory-lock".equals(manager)
                ? Bucket4jPostgreSQL.advisoryLockBasedBuilder(trial.database.dataSource()).build()
                : Bucket4jPostgreSQL.selectForUpdateBasedBuilder(trial.database.dataSource()).build();
        daily = BucketConfiguration.builder()
                .addLimit(bandwidth -> bandwidth.capacity(limits.limit).refillIntervally(limits.limit, Duration.ofDays(1)))
                .build();
        sampler = workload.sampler(BenchTarget.users(workload));
    }

    @Benchmark
    public boolean tryConsume(Caller caller) {
        long userId = 1L + sampler.next(caller.random);
        return proxies.computeIfAbsent(userId, this::proxy).tryConsume(1);
    }

    private Bucket proxy(long userId) {
        RemoteBucketBuilder<Long> builder = buckets.builder();
        if ("batching".equals(optimization)) {
            // Bucket4j 8.14's merged commands fail with BucketNotFoundException on a bucket not
            // stored yet, whatever the recovery strategy: the user's bucket is created first,
            // by one call without the optimization, a cost counted in the measured throughput.
            buckets.builder().build(userId, () -> daily).getAvailableTokens();
            builder = builder.withOptimization(Optimizations.batching());
        }
        return builder.build(userId, () -> daily);
    }
}
