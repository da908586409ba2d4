package dev.quota.core.demo;

import java.time.Duration;
import java.util.Map;

/**
 * What was generated, including the drift planted on purpose (by drift kind), so that a
 * reconciliation run can be checked against it.
 */
public record SeedResult(int users, int days, long userMessages, long assistantMessages, long counters,
                         long grants, Map<String, Long> plantedDrift, Duration elapsed) {

    public long plantedTotal() {
        return plantedDrift.values().stream().mapToLong(Long::longValue).sum();
    }
}
