package dev.quota.bench;

import dev.quota.core.service.ChatService;
import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import dev.quota.core.UserKeyType;
import dev.quota.core.strategy.BatchingChatPath;
import dev.quota.core.strategy.ChatPath;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * What every database benchmark shares: the run settings (JMH reads them from this
 * superclass: throughput and sample-time modes in seconds, one fork with a fixed heap, the
 * default warmup and measurement, which {@code scripts/bench} sets for its full profile),
 * and one trial's life: a fresh target database sized for the threads, the chat path under
 * test with its service, and one teardown that checks the invariants and closes everything.
 * A broken invariant fails the run: a fast wrong strategy never wins. Benchmarks say what
 * they need through the hooks below and hold only their {@code @Benchmark} methods.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public abstract class DatabaseBenchmark {

    /** The daily limit of every user: one no run reaches, or one message so nearly every call is refused. */
    public enum Limits {
        accept(1_000_000_000), refuse(1);

        final int limit;

        Limits(int limit) {
            this.limit = limit;
        }
    }

    BenchTarget target;
    private BenchmarkParams params;
    /** The service on the chat path under test; null for a benchmark without one. */
    ChatService chat;
    private ChatPath chatPath;

    /** Subscribed users of the trial's database. */
    abstract int users();

    /** Their daily limit: by default one no run reaches. */
    int limit() {
        return Limits.accept.limit;
    }

    /** How the stand-in keys its users: bigint unless a benchmark compares key types. */
    UserKeyType keys() {
        return UserKeyType.WHOLE_NUMBER;
    }

    /** The chat path under test, opened on the trial's database; none by default. */
    ChatPath openChatPath(Jdbi jdbi) {
        return null;
    }

    /** Whether the trial stores messages, so that counters must match them (not on a counter-only path). */
    boolean storesMessages() {
        return true;
    }

    /** Anything else the trial's database needs (a peer's own table). */
    void prepare(BenchTarget trial) {
    }

    /** What a broken invariant names. */
    abstract String describe();

    @Setup(Level.Trial)
    public final void openTrial(BenchmarkParams params) {
        this.params = params;
        int pool = BenchConnections.pool(params.getThreads());
        target = BenchTarget.open(pool, users(), limit(), keys());
        prepare(target);
        chatPath = openChatPath(target.database.jdbi());
        chat = chatPath == null ? null : new ChatService(target.database.jdbi(), chatPath, Clock.systemUTC());
    }

    @TearDown(Level.Trial)
    public final void checkInvariantsAndClose() {
        try {
            target.requireInvariants(describe(), storesMessages());
        } finally {
            try {
                if (chatPath instanceof BatchingChatPath batching) {
                    System.err.printf(Locale.ROOT, "%s: %,d messages in %,d transactions, %.2f a transaction%n", describe(),
                            batching.served(), batching.transactions(), batching.meanBatchSize());
                    BatchSizes.record(params, batching);
                }
                if (chatPath != null) {
                    chatPath.close();
                }
            } finally {
                target.close();
            }
        }
    }

    /**
     * Runs one call of the measured operation: a refusal by the limit is one of its results
     * (returned as the error code, for JMH's blackhole); any other error fails the run.
     */
    static Object refusalCounts(Supplier<Object> call) {
        try {
            return call.get();
        } catch (QuotaException e) {
            if (e.code() != ErrorCode.QUOTA_EXCEEDED) {
                throw e;
            }
            return e.code();
        }
    }

    /** One message for {@code userId} on the chat path under test, a refusal counting as a result. */
    Object sendMessage(long userId) {
        return refusalCounts(() -> chat.acceptMessage(Long.toString(userId), null));
    }
}
