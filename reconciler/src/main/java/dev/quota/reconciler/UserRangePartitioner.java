package dev.quota.reconciler;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Splits the user ids into contiguous ranges, one per partition. The bounds travel in each
 * partition's execution context and are bound as query parameters, never formatted into
 * SQL; on a restart Spring Batch reuses the stored contexts, so partitions do not move.
 */
final class UserRangePartitioner implements Partitioner {

    static final String LOWEST = "lowestUserId";
    static final String HIGHEST = "highestUserId";
    static final String PARTITION_PREFIX = "partition";

    private final JdbcTemplate jdbc;

    UserRangePartitioner(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Map<String, ExecutionContext> partition(int gridSize) {
        // ids from users and from counters: a counter for an unknown user must be scanned too
        long[] bounds = jdbc.queryForObject("""
                SELECT COALESCE(least((SELECT min(user_id) FROM accounts), (SELECT min(user_id) FROM user_daily_quota_usages)), 0),
                       COALESCE(greatest((SELECT max(user_id) FROM accounts), (SELECT max(user_id) FROM user_daily_quota_usages)), 0)
                """, (rs, row) -> new long[] {rs.getLong(1), rs.getLong(2)});
        long lowest = bounds[0];
        long highest = bounds[1];
        long span = highest - lowest + 1;
        int partitions = (int) Math.max(1, Math.min(gridSize, span));
        long size = (span + partitions - 1) / partitions;
        Map<String, ExecutionContext> contexts = new LinkedHashMap<>();
        for (int i = 0; i < partitions; i++) {
            ExecutionContext context = new ExecutionContext();
            long lo = lowest + i * size;
            context.putLong(LOWEST, lo);
            context.putLong(HIGHEST, i == partitions - 1 ? highest : lo + size - 1);
            contexts.put(PARTITION_PREFIX + i, context);
        }
        return contexts;
    }
}
