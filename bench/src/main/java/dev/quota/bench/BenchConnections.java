package dev.quota.bench;

import dev.quota.core.db.DatabaseConfig;
import dev.quota.core.strategy.GroupCommitChatPath;
import java.util.List;
import java.util.TreeSet;

/**
 * How many connections a strategy works through at a thread count in the benchmarks: a fair
 * per-message ceiling gives pgbench as many clients, next to one with as many as threads.
 */
final class BenchConnections {

    private BenchConnections() {
    }

    /** The trial's pool: the toolkit's advice for that many callers; {@code -Dquota.bench.pool=N} tries another. */
    static int pool(int threads) {
        return Integer.getInteger("quota.bench.pool", DatabaseConfig.poolSizeForConcurrency(threads));
    }

    /** Connections busy at once: one per thread up to the pool, and group commit's transactions in flight at most. */
    static int of(String strategy, int threads) {
        int busy = Math.min(threads, pool(threads));
        return GroupCommitChatPath.NAME.equals(strategy) ? Math.min(busy, GroupCommitChatPath.DEFAULT_MAX_IN_FLIGHT) : busy;
    }

    /** Every client count the ceilings need for these thread counts: the threads and each strategy's connections. */
    static List<Integer> clientCounts(List<Integer> threads) {
        TreeSet<Integer> counts = new TreeSet<>(threads);
        for (int t : threads) {
            counts.add(of("atomic", t));
            counts.add(of(GroupCommitChatPath.NAME, t));
        }
        return List.copyOf(counts);
    }
}
