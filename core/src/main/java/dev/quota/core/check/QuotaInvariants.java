package dev.quota.core.check;

import dev.quota.core.AdjustmentKind;
import dev.quota.core.UserKey;
import dev.quota.core.db.CitusDistribution;
import dev.quota.core.db.SqlStates;
import dev.quota.core.drift.DayLedger;
import dev.quota.core.persistence.PlanOfDay;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Checks the two invariants every strategy promises, over a whole database: no counter
 * above its effective limit, and every counter equal to its day's user messages plus its
 * day's usage adjustments. The simulator, the tests and the benchmark harness all judge a
 * run by this check, so a fast wrong strategy cannot pass any of them. Each day is judged by
 * the plan of that day ({@link PlanOfDay#limitOfEachDay}: a finished day the plan that
 * covered it), as the reconciler judges it. The days judged are those with a counter or
 * user messages.
 *
 * <p>Two forms promise the same violations, as the nightly job's two scans do: one query
 * ({@link #inOneQuery}), and the messages per user-day read apart from the rest and merged
 * here ({@link #merged}), for a Citus layout whose messages are distributed by another key
 * than the counters (by conversation), where no statement joins the two.
 */
public final class QuotaInvariants {

    public static final int SAMPLE_SIZE = 20;

    private static final String MESSAGES_OF_DAYS = """
            SELECT user_id, CAST(created_at AT TIME ZONE 'UTC' AS date) AS quota_date, count(*) AS messages
              FROM user_messages
             GROUP BY 1, 2
            """;

    // Written as the nightly job's scan is (day-ledgers.sql), so that Citus pushes it down whole
    // to each worker: the sources meet in a UNION ALL grouped by user and day, and the grants
    // and the plan of each user-day are subqueries correlated on user_id.
    private static final String DAYS = """
            WITH facts AS (
                {messages}SELECT user_id, quota_date, used_count, CAST(0 AS bigint) AS messages, CAST(0 AS bigint) AS usage_delta
                  FROM user_daily_quota_usages
                UNION ALL
                SELECT user_id, quota_date, CAST(NULL AS integer), CAST(0 AS bigint),
                       COALESCE(sum(applied_delta) FILTER (WHERE kind = ANY(CAST(:usageKinds AS text[]))), 0)
                  FROM quota_adjustments
                 GROUP BY 1, 2
            ), days AS (
                SELECT user_id, quota_date, max(used_count) AS used_count,
                       CAST(sum(messages) AS integer) AS messages, CAST(sum(usage_delta) AS integer) AS usage_delta,
                       COALESCE((SELECT g.granted FROM day_grants g
                                  WHERE g.user_id = f.user_id AND g.quota_date = f.quota_date), 0) AS granted,
                       """ + PlanOfDay.limitOfEachDay("f.user_id", "f.quota_date") + """
             AS plan_limit
                  FROM facts f
                 GROUP BY user_id, quota_date
            )
            """;

    private static final String VIOLATIONS = DAYS.replace("{messages}", """
            SELECT user_id, quota_date, CAST(NULL AS integer) AS used_count, messages, CAST(0 AS bigint) AS usage_delta
                  FROM (""" + MESSAGES_OF_DAYS.indent(8).strip() + """
            ) m
                UNION ALL
                """) + """
            SELECT user_id, quota_date, used_count, messages, expected, "limit"
              FROM (SELECT d.user_id, d.quota_date, COALESCE(d.used_count, 0) AS used_count, d.messages,
                           expected_usage(d.messages, d.usage_delta) AS expected,
                           effective_limit(d.plan_limit, d.granted) AS "limit"
                      FROM days d
                     WHERE d.used_count IS NOT NULL OR d.messages > 0) day
             WHERE used_count <> expected OR used_count > "limit"
             ORDER BY abs(used_count - expected) DESC, user_id, quota_date
            """;

    /** The counters' and adjustments' user-days without their messages, each with its limit: the merged form's other side. */
    private static final String DAYS_WITHOUT_MESSAGES = DAYS.replace("{messages}", "") + """
            SELECT d.user_id, d.quota_date, d.used_count, d.usage_delta, effective_limit(d.plan_limit, d.granted) AS "limit"
              FROM days d
            """;

    /** The limit of a user-day that has messages and nothing else: a violation, so rare. */
    private static final String LIMIT_OF_DAY = "SELECT daily_limit FROM day_limit(:userId, :day, :day < today())";

    /** The worst drift first, then in key order, as the one query orders them. */
    private static final Comparator<InvariantViolation> WORST_FIRST =
            Comparator.comparingInt((InvariantViolation v) -> Math.abs(v.usedCount() - v.expected())).reversed()
                    .thenComparing(InvariantViolation::userId, UserKey.ORDER)
                    .thenComparing(InvariantViolation::quotaDate);

    private QuotaInvariants() {
    }

    public static InvariantReport check(Jdbi jdbi) {
        List<InvariantViolation> all = all(jdbi);
        long counters = jdbi.withHandle(handle -> handle.createQuery("SELECT count(*) FROM user_daily_quota_usages")
                .mapTo(Long.class).one());
        long aboveLimit = all.stream().filter(InvariantViolation::aboveLimit).count();
        long offLog = all.stream().filter(InvariantViolation::offLog).count();
        return new InvariantReport(counters, aboveLimit, offLog, all.stream().limit(SAMPLE_SIZE).toList());
    }

    /**
     * Every user-day that breaks an invariant, the largest drift first: in one query, or
     * merged where a Citus coordinator refuses that query's join across co-location groups.
     */
    public static List<InvariantViolation> all(Jdbi jdbi) {
        try {
            return jdbi.withHandle(QuotaInvariants::inOneQuery);
        } catch (UnableToExecuteStatementException refused) {
            // on a fresh handle: the pool takes 0A000 for a broken connection and closes the refused one
            if (SqlStates.sqlState(refused).filter(SqlStates.FEATURE_NOT_SUPPORTED::equals).isPresent()
                    && jdbi.withHandle(CitusDistribution::isCoordinator)) {
                return jdbi.withHandle(QuotaInvariants::merged);
            }
            throw refused;
        }
    }

    /** {@link #all} as one query, which joins the messages to the counters in the database. */
    public static List<InvariantViolation> inOneQuery(Handle handle) {
        return handle.createQuery(VIOLATIONS)
                .bind("usageKinds", AdjustmentKind.usageChangingCodes())
                .map(ConstructorMapper.of(InvariantViolation.class)).list();
    }

    private record UserDay(UserKey userId, LocalDate day) {
    }

    /**
     * {@link #all} as two statements merged here: the messages per user-day, then the
     * counters' and adjustments' user-days, each within one co-location group. It holds the
     * message counts in memory: a simulation's or a test's database, not a product's years
     * (the nightly job's merged scan streams those).
     */
    public static List<InvariantViolation> merged(Handle handle) {
        Map<UserDay, Integer> messages = new HashMap<>();
        handle.createQuery(MESSAGES_OF_DAYS).map((rs, ctx) -> {
            messages.put(new UserDay(UserKey.fromSql(rs.getObject("user_id")), rs.getObject("quota_date", LocalDate.class)),
                    rs.getInt("messages"));
            return null;
        }).forEach(row -> { });
        List<InvariantViolation> violations = new ArrayList<>();
        handle.createQuery(DAYS_WITHOUT_MESSAGES).bind("usageKinds", AdjustmentKind.usageChangingCodes()).map((rs, ctx) -> {
            UserDay key = new UserDay(UserKey.fromSql(rs.getObject("user_id")), rs.getObject("quota_date", LocalDate.class));
            Integer counted = messages.remove(key);
            Integer used = rs.getObject("used_count", Integer.class);
            if (used != null || counted != null) {
                int count = counted == null ? 0 : counted;
                violations.add(new InvariantViolation(key.userId(), key.day(), used == null ? 0 : used, count,
                        DayLedger.expectedUsage(count, rs.getInt("usage_delta")), rs.getObject("limit", Integer.class)));
            }
            return null;
        }).forEach(row -> { });
        messages.forEach((key, count) -> violations.add(new InvariantViolation(key.userId(), key.day(), 0, count,
                DayLedger.expectedUsage(count, 0), limitOf(handle, key))));
        return violations.stream().filter(v -> v.offLog() || v.aboveLimit()).sorted(WORST_FIRST).toList();
    }

    private static Integer limitOf(Handle handle, UserDay key) {
        return handle.createQuery(LIMIT_OF_DAY).bind("userId", key.userId()).bind("day", key.day())
                .mapTo(Integer.class).findOne().orElse(null);
    }
}
