package dev.quota.bench;

import dev.quota.core.strategy.ChatPath;
import dev.quota.core.strategy.CoalescingChatPath;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * The coalescing strategy's settings: throughput and latency of the hot user's chat path
 * against the linger (how long a lane waits to gather a batch) at the default batch cap.
 */
public class CoalescingLingerBenchmark extends DatabaseBenchmark {

    @Param({"0", "100", "500", "2000"})
    public int lingerMicros;

    @Param({"128"})
    public int maxBatch;

    @Override
    int users() {
        return 1;
    }


    @Override
    ChatPath openChatPath(Jdbi jdbi) {
        return new CoalescingChatPath(jdbi, maxBatch, Duration.ofNanos(lingerMicros * 1_000L));
    }

    @Override
    String describe() {
        return "coalescing (linger " + lingerMicros + " us)";
    }

    @Benchmark
    public Object acceptMessage() {
        return sendMessage(1);
    }
}
