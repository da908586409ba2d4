package dev.quota.bench;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import dev.quota.core.QuotaService;
import dev.quota.core.db.DatabaseConfig;
import dev.quota.core.strategy.CoalescingStrategy;
import java.time.Clock;
import java.time.Duration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The coalescing strategy's settings: throughput and latency of the hot user's chat path
 * against the linger (how long a lane waits to gather a batch) at the default batch cap.
 */
public class CoalescingLingerBenchmark extends DatabaseBenchmark {

    @Param({"0", "100", "500", "2000"})
    public int lingerMicros;

    @Param({"128"})
    public int maxBatch;

    private BenchTarget target;
    private CoalescingStrategy coalescing;
    private QuotaService service;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        target = BenchTarget.open(DatabaseConfig.poolSizeForConcurrency(params.getThreads()), 1, BenchTarget.ACCEPT_LIMIT);
        coalescing = new CoalescingStrategy(maxBatch, Duration.ofNanos(lingerMicros * 1_000L));
        service = new QuotaService(target.database.jdbi(), coalescing, Clock.systemUTC());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            ConsumptionBenchmark.requireInvariants(target, "coalescing (linger " + lingerMicros + " us)", true);
        } finally {
            coalescing.close();
            target.close();
        }
    }

    @Benchmark
    public Object acceptMessage() {
        try {
            return service.acceptMessage("1", null);
        } catch (QuotaException e) {
            if (e.code() != ErrorCode.QUOTA_EXCEEDED) {
                throw e;
            }
            return e.code();
        }
    }
}
