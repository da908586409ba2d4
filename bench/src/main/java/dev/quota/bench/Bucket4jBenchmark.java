package dev.quota.bench;

import dev.quota.core.db.DatabaseConfig;
import dev.quota.core.workload.Workload;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import java.time.Duration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The peer: Bucket4j's PostgreSQL proxy managers holding the same daily limit per user (a
 * bucket of {@code limit} tokens refilled once a day), on the same workloads, database and
 * pool. It keeps a counter only, so it is compared with the strategies' counter path.
 */
public class Bucket4jBenchmark extends DatabaseBenchmark {

    @Param({"select-for-update", "advisory-lock"})
    public String manager;

    @Param({"hot", "uniform", "zipf"})
    public String workload;

    @Param({"accept", "refuse"})
    public String limits;

    private BenchTarget target;
    private ProxyManager<Long> buckets;
    private BucketConfiguration daily;
    private Workload.Sampler sampler;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        int limit = BenchTarget.limit(limits);
        target = BenchTarget.open(DatabaseConfig.poolSizeForConcurrency(params.getThreads()), 1, limit);
        // Bucket4j's documented table for PostgreSQL
        target.database.jdbi().useHandle(handle -> handle.execute("CREATE TABLE bucket (id BIGINT PRIMARY KEY, state BYTEA)"));
        buckets = "advisory-lock".equals(manager)
                ? Bucket4jPostgreSQL.advisoryLockBasedBuilder(target.database.dataSource()).build()
                : Bucket4jPostgreSQL.selectForUpdateBasedBuilder(target.database.dataSource()).build();
        daily = BucketConfiguration.builder()
                .addLimit(bandwidth -> bandwidth.capacity(limit).refillIntervally(limit, Duration.ofDays(1)))
                .build();
        sampler = Workload.valueOf(workload).sampler(BenchTarget.users(workload));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        target.close();
    }

    @Benchmark
    public boolean tryConsume(Caller caller) {
        long userId = 1L + sampler.next(caller.random);
        return buckets.builder().build(userId, () -> daily).tryConsume(1);
    }
}
