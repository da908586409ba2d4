package dev.quota.bench;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import dev.quota.core.QuotaService;
import dev.quota.core.db.DatabaseConfig;
import dev.quota.core.strategy.CoalescingStrategy;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The coalescing strategy's settings: throughput and latency of the hot user's chat path
 * against the linger (how long a lane waits to gather a batch) at the default batch cap.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class CoalescingLingerBenchmark {

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
