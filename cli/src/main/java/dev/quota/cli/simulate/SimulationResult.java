package dev.quota.cli.simulate;

import dev.quota.core.check.InvariantReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What a simulation measured and whether the strategy kept its promises.
 *
 * @param latency          microseconds per call, accepted and blocked alike
 * @param expectedBlocked  attempts beyond each user's limit; equals {@code blocked} when nothing failed
 * @param replies          what the replies did ({@code simulate --replies})
 * @param problems         every broken invariant, in words; empty when all hold
 */
public record SimulationResult(String strategy, String schema, long accepted, long blocked, Map<String, Long> errors,
                               long expectedBlocked, long terminatedBackends, Duration elapsed, Histogram latency,
                               InvariantReport invariants, ReplyTally replies, List<String> problems) {

    public boolean passed() {
        return problems.isEmpty();
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    public double throughput() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds == 0 ? 0 : (accepted + blocked + errorCount()) / seconds;
    }
}
