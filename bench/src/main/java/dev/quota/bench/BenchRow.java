package dev.quota.bench;

/**
 * One measured configuration of a bench run: its throughput and, where JMH sampled it, its
 * latency.
 *
 * @param kind strategy, bucket4j, linger (coalescing's settings) or settings (group commit's)
 * @param path chat (counter and message) or counter
 */
record BenchRow(String subject, String kind, String workload, String limits, String path, int threads,
                double opsPerSecond, Double p50Millis, Double p99Millis) {

    boolean strategyChat(String limitsWanted) {
        return kind.equals("strategy") && path.equals("chat") && limits.equals(limitsWanted);
    }
}
