package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The coalescing strategy's batch transaction in two statements, one round trip each, because
 * a hot user's lane holds its counter row for as long as the batch takes: {@link #open} reads
 * the context, locks the counter and finds which retried request ids are already committed;
 * {@link #commit} moves the counter and stores the accepted messages. Both are hot-path
 * {@link PlainStatement}s built from the tables' own statements ({@link UsageDao},
 * {@link MessageDao}).
 */
public final class CoalescedBatchStatements {

    static final String OPEN = "WITH locked AS (" + UsageDao.READ_FOR_UPDATE + ")\n" + """
            SELECT c.user_id, c.email, c.plan_code, c.plan_limit, CAST(c.granted AS integer) AS granted, c.daily_limit,
                   (SELECT used_count FROM locked) AS locked_count,
            """ + MessageDao.COMMITTED_AMONG_RETRY_IDS + " AS committed\n  FROM (" + QuotaContextDao.CONTEXT + ") AS c";

    // Each message keeps the instant its caller sent it, so that a batch flushed just after
    // midnight still stores yesterday's messages as such.
    static final String COMMIT = "WITH counter AS (" + UsageDao.WRITE + "), stored AS (\n"
            + MessageDao.STORE_USER_MESSAGES + ")\nSELECT CAST(count(*) AS integer) FROM stored";

    private static final PlainStatement OPEN_STATEMENT = new PlainStatement(OPEN);
    private static final PlainStatement COMMIT_STATEMENT = new PlainStatement(COMMIT);

    private CoalescedBatchStatements() {
    }

    /**
     * What a batch starts from.
     *
     * @param lockedCount the counter, now locked by this transaction; null when the day has no counter row yet
     * @param committed   those of the retried request ids that are already committed
     */
    public record Opened(QuotaContext context, Integer lockedCount, Set<String> committed) {
    }

    /** Empty when the user does not exist. */
    public static Optional<Opened> open(Connection connection, UserKey userId, LocalDate day, String[] retryIds) {
        Map<String, Object> values = Map.of("userId", userId, "day", day, "retryIds", retryIds);
        return OPEN_STATEMENT.queryFirst(connection, values, row -> {
            Integer locked = row.getObject("locked_count", Integer.class);
            QuotaContext context = new QuotaContext(UserKey.fromSql(row.getObject("user_id")), row.getString("email"), row.getString("plan_code"),
                    row.getObject("plan_limit", Integer.class), row.getInt("granted"), row.getObject("daily_limit", Integer.class),
                    locked == null ? 0 : locked);
            return new Opened(context, locked, Set.copyOf(Arrays.asList((String[]) row.getArray("committed").getArray())));
        });
    }

    /** Sets the locked counter to {@code used} and stores the messages; returns how many were new. */
    public static int commit(Connection connection, UserKey userId, LocalDate day, int used, String[] requestIds, String[] sentAt) {
        Map<String, Object> values = Map.of("userId", userId, "day", day, "used", used, "requestIds", requestIds, "sentAt", sentAt);
        return COMMIT_STATEMENT.queryFirst(connection, values, row -> row.getInt(1)).orElseThrow();
    }
}
