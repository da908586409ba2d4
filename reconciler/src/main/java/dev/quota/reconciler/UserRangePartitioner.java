package dev.quota.reconciler;

import dev.quota.core.UserKey;
import dev.quota.core.UserKeyType;
import dev.quota.core.persistence.KeyRange;
import java.sql.Array;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Splits the user keys into contiguous ranges ({@link KeyRange}), one per partition, the
 * first open below and the last open above, so that no key falls between two. Whole-number
 * keys are split evenly between the lowest and highest id; uuid and text keys, which have no
 * arithmetic, at the quantiles of the product's users. The bounds travel in each partition's
 * execution context as text with their key type, and are bound as query parameters, never
 * formatted into SQL; on a restart Spring Batch reuses the stored contexts, so partitions do
 * not move.
 */
final class UserRangePartitioner implements Partitioner {

    static final String FROM = "fromUserKey";
    static final String UNTIL = "untilUserKey";
    static final String KEY_TYPE = "userKeyType";
    static final String PARTITION_PREFIX = "partition";

    private final JdbcTemplate jdbc;

    UserRangePartitioner(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Map<String, ExecutionContext> partition(int gridSize) {
        UserKeyType keyType = UserKeyType.ofSqlType(jdbc.queryForObject("SELECT user_key_type FROM settings", String.class));
        List<UserKey> bounds = keyType == UserKeyType.WHOLE_NUMBER ? evenlySpaced(gridSize) : quantiles(gridSize);
        Map<String, ExecutionContext> contexts = new LinkedHashMap<>();
        for (int i = 0; i <= bounds.size(); i++) {
            ExecutionContext context = new ExecutionContext();
            context.putString(KEY_TYPE, keyType.sqlType());
            if (i > 0) {
                context.putString(FROM, bounds.get(i - 1).toString());
            }
            if (i < bounds.size()) {
                context.putString(UNTIL, bounds.get(i).toString());
            }
            contexts.put(PARTITION_PREFIX + i, context);
        }
        return contexts;
    }

    /** The range a partition's context holds. */
    static KeyRange range(String keyType, String from, String until) {
        UserKeyType type = UserKeyType.ofSqlType(keyType);
        return new KeyRange(from == null ? null : type.decode(from), until == null ? null : type.decode(until));
    }

    /** The inner bounds of {@code gridSize} ranges of equal span between the lowest and highest id. */
    private List<UserKey> evenlySpaced(int gridSize) {
        // ids from users and from counters: a counter for an unknown user must be scanned too
        long[] ends = jdbc.queryForObject("""
                SELECT COALESCE(least((SELECT min(user_id) FROM accounts), (SELECT min(user_id) FROM user_daily_quota_usages)), 0),
                       COALESCE(greatest((SELECT max(user_id) FROM accounts), (SELECT max(user_id) FROM user_daily_quota_usages)), 0)
                """, (rs, row) -> new long[] {rs.getLong(1), rs.getLong(2)});
        long span = ends[1] - ends[0] + 1;
        int partitions = (int) Math.max(1, Math.min(gridSize, span));
        long size = (span + partitions - 1) / partitions;
        List<UserKey> bounds = new ArrayList<>();
        for (int i = 1; i < partitions; i++) {
            bounds.add(UserKey.of(ends[0] + i * size));
        }
        return bounds;
    }

    /** The distinct inner quantiles of the product's users' keys, in the database's order. */
    private List<UserKey> quantiles(int gridSize) {
        if (gridSize <= 1) {
            return List.of();
        }
        Double[] fractions = IntStream.range(1, gridSize).mapToObj(i -> (double) i / gridSize).toArray(Double[]::new);
        Object[] keys = jdbc.query(connection -> {
            var statement = connection.prepareStatement("SELECT percentile_disc(?) WITHIN GROUP (ORDER BY user_id) FROM accounts");
            statement.setArray(1, connection.createArrayOf("float8", fractions));
            return statement;
        }, rs -> {
            rs.next();
            Array array = rs.getArray(1);
            return array == null ? new Object[0] : (Object[]) array.getArray();
        });
        List<UserKey> bounds = new ArrayList<>();
        for (Object key : keys) {
            UserKey bound = UserKey.fromSql(key);
            if (bound != null && (bounds.isEmpty() || !bounds.get(bounds.size() - 1).equals(bound))) {
                bounds.add(bound);
            }
        }
        return bounds;
    }
}
