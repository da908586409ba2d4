package dev.quota.bench;

import dev.quota.core.QuotaDay;
import dev.quota.core.UserKey;
import dev.quota.core.strategy.ChatPath;
import dev.quota.core.strategy.CounterKey;
import dev.quota.core.strategy.CounterStep;
import dev.quota.core.strategy.RetryPolicy;
import dev.quota.core.strategy.Strategies;
import dev.quota.core.workload.Workload;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * Each strategy on each workload: the chat path (counter + message in one transaction, as
 * the backend runs it) and the counter alone (what a rate-limit library does, for the
 * comparison with Bucket4j).
 */
public class ConsumptionBenchmark extends DatabaseBenchmark {

    /** The chat path, or the strategy's counter step alone. */
    public enum Route { chat, counter }

    /** Every strategy; {@code sql-function} only on the chat path (it has no counter-only step). */
    @Param({"atomic", "row-lock", "optimistic", "advisory", "serializable", "coalescing", "group-commit", "sql-function"})
    public String strategy;

    @Param({"hot", "uniform", "zipf"})
    public Workload workload;

    @Param({"accept", "refuse"})
    public Limits limits;

    @Param({"chat", "counter"})
    public Route path;

    private CounterStep counterStep;
    private Workload.Sampler sampler;

    @Override
    int users() {
        return BenchTarget.users(workload);
    }

    @Override
    int limit() {
        return limits.limit;
    }

    @Override
    ChatPath openChatPath(Jdbi jdbi) {
        sampler = workload.sampler(users());
        if (path == Route.chat) {
            return Strategies.open(strategy, jdbi);
        }
        counterStep = Strategies.counterStep(strategy, RetryPolicy.DEFAULT);
        return null;
    }

    @Override
    boolean storesMessages() {
        return path == Route.chat;
    }

    @Override
    String describe() {
        return strategy + " on " + workload;
    }

    @Benchmark
    public Object consume(Caller caller) {
        long userId = 1L + sampler.next(caller.random);
        if (path == Route.chat) {
            return sendMessage(userId);
        }
        CounterKey key = new CounterKey(UserKey.of(userId), QuotaDay.today(Clock.systemUTC()));
        return refusalCounts(() -> counterStep.inTransaction(target.database.jdbi(), handle -> counterStep.consume(handle, key, 1, limits.limit)));
    }
}
