package dev.quota.bench;

import dev.quota.core.strategy.ChatPath;
import dev.quota.core.strategy.GroupCommitChatPath;
import dev.quota.core.workload.Workload;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * The group-commit strategy's settings: throughput, latency and batch size of the chat path
 * against how many transactions it keeps in flight and how long a free slot lingers for more
 * messages, at the default batch cap. The strategy table runs its defaults.
 */
public class GroupCommitSettingsBenchmark extends DatabaseBenchmark {

    @Param({"hot", "uniform"})
    public Workload workload;

    @Param({"1", "2", "4"})
    public int inFlight;

    @Param({"0", "200"})
    public int lingerMicros;

    private Workload.Sampler sampler;

    @Override
    int users() {
        return BenchTarget.users(workload);
    }


    @Override
    ChatPath openChatPath(Jdbi jdbi) {
        sampler = workload.sampler(users());
        return new GroupCommitChatPath(jdbi, GroupCommitChatPath.DEFAULT_MAX_BATCH, inFlight, Duration.ofNanos(lingerMicros * 1_000L));
    }

    @Override
    String describe() {
        return "group-commit (in flight " + inFlight + ", linger " + lingerMicros + " us) on " + workload;
    }

    @Benchmark
    public Object acceptMessage(Caller caller) {
        return sendMessage(1L + sampler.next(caller.random));
    }
}
