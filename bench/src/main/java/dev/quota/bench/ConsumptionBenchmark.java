package dev.quota.bench;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaDay;
import dev.quota.core.QuotaException;
import dev.quota.core.QuotaService;
import dev.quota.core.db.DatabaseConfig;
import dev.quota.core.check.InvariantReport;
import dev.quota.core.check.QuotaInvariants;
import dev.quota.core.strategy.ConsumptionStrategy;
import dev.quota.core.strategy.CounterKey;
import dev.quota.core.strategy.Strategies;
import dev.quota.core.workload.Workload;
import java.time.Clock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Each strategy on each workload: the chat path (counter + message in one transaction, as
 * the backend runs it) and the counter alone (what a rate-limit library does, for the
 * comparison with Bucket4j). After every trial the invariants are checked against the
 * database and a broken one fails the run: a fast wrong strategy never wins.
 */
public class ConsumptionBenchmark extends DatabaseBenchmark {

    @Param({"atomic", "row-lock", "optimistic", "advisory", "serializable", "coalescing"})
    public String strategy;

    @Param({"hot", "uniform", "zipf"})
    public String workload;

    @Param({"accept", "refuse"})
    public String limits;

    @Param({"chat", "counter"})
    public String path;

    private BenchTarget target;
    private QuotaService service;
    private ConsumptionStrategy consumption;
    private Workload.Sampler sampler;
    private int limit;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        int users = BenchTarget.users(workload);
        limit = BenchTarget.limit(limits);
        // -jvmArgsAppend -Dquota.bench.pool=N tries another pool size than the toolkit's advice
        int pool = Integer.getInteger("quota.bench.pool", DatabaseConfig.poolSizeForConcurrency(params.getThreads()));
        target = BenchTarget.open(pool, users, limit);
        consumption = Strategies.named(strategy);
        service = new QuotaService(target.database.jdbi(), consumption, Clock.systemUTC());
        sampler = Workload.valueOf(workload).sampler(users);
    }

    @TearDown(Level.Trial)
    public void checkInvariants() {
        try {
            requireInvariants(target, strategy + " on " + workload, "chat".equals(path));
        } finally {
            if (consumption instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            target.close();
        }
    }

    /** Fails the run when a trial broke an invariant: a fast wrong strategy must never win. */
    static void requireInvariants(BenchTarget target, String what, boolean messagesStored) {
        InvariantReport report = QuotaInvariants.check(target.database.jdbi());
        // the counter-only path stores no messages, so only the limit invariant applies to it
        boolean broken = messagesStored ? !report.holds() : report.aboveLimit() > 0;
        if (broken) {
            throw new IllegalStateException("INVARIANT BROKEN by " + what + ": " + report.aboveLimit()
                    + " counters above their limit, " + report.offLog() + " off the message log " + report.samples());
        }
    }

    @Benchmark
    public Object consume(Caller caller) {
        long userId = 1L + sampler.next(caller.random);
        try {
            if ("chat".equals(path)) {
                return service.acceptMessage(Long.toString(userId), null);
            }
            CounterKey key = new CounterKey(userId, QuotaDay.today(service.clock()));
            return consumption.inTransaction(target.database.jdbi(), handle -> consumption.consume(handle, key, 1, limit));
        } catch (QuotaException e) {
            if (e.code() != ErrorCode.QUOTA_EXCEEDED) {
                throw e;
            }
            return e.code();
        }
    }
}
