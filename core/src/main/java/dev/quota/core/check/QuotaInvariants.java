package dev.quota.core.check;

import dev.quota.core.AdjustmentKind;
import dev.quota.core.persistence.PlanOfDay;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/**
 * Checks the two invariants every strategy promises, over a whole database: no counter
 * above its effective limit, and every counter equal to its day's user messages plus its
 * day's usage adjustments. The simulator, the tests and the benchmark harness all judge a
 * run by this one query, so a fast wrong strategy cannot pass any of them. Each day is
 * judged by the plan of that day ({@link PlanOfDay#limitOfEachDay}: a finished day the plan that covered it), as the reconciler judges it.
 */
public final class QuotaInvariants {

    public static final int SAMPLE_SIZE = 20;

    // Written as the nightly job's scan is (day-ledgers.sql), so that Citus pushes it down whole
    // to each worker: the sources meet in a UNION ALL grouped by user and day, and the grants
    // and the plan of each user-day are subqueries correlated on user_id. The days judged are
    // those with a counter or user messages.
    private static final String VIOLATIONS = """
            WITH facts AS (
                SELECT user_id, CAST(created_at AT TIME ZONE 'UTC' AS date) AS quota_date, CAST(NULL AS integer) AS used_count,
                       count(*) AS messages, CAST(0 AS bigint) AS usage_delta
                  FROM user_messages
                 GROUP BY 1, 2
                UNION ALL
                SELECT user_id, quota_date, used_count, CAST(0 AS bigint), CAST(0 AS bigint)
                  FROM user_daily_quota_usages
                UNION ALL
                SELECT user_id, quota_date, CAST(NULL AS integer), CAST(0 AS bigint),
                       COALESCE(sum(applied_delta) FILTER (WHERE kind = ANY(CAST(:usageKinds AS text[]))), 0)
                  FROM quota_adjustments
                 GROUP BY 1, 2
            ), days AS (
                SELECT user_id, quota_date, COALESCE(max(used_count), 0) AS used_count,
                       CAST(sum(messages) AS integer) AS messages, CAST(sum(usage_delta) AS integer) AS usage_delta,
                       COALESCE((SELECT g.granted FROM day_grants g
                                  WHERE g.user_id = f.user_id AND g.quota_date = f.quota_date), 0) AS granted,
                       """ + PlanOfDay.limitOfEachDay("f.user_id", "f.quota_date") + """
             AS plan_limit
                  FROM facts f
                 GROUP BY user_id, quota_date
                HAVING max(used_count) IS NOT NULL OR sum(messages) > 0
            )
            SELECT user_id, quota_date, used_count, messages, expected, "limit"
              FROM (SELECT d.user_id, d.quota_date, d.used_count, d.messages,
                           expected_usage(d.messages, d.usage_delta) AS expected,
                           effective_limit(d.plan_limit, d.granted) AS "limit"
                      FROM days d) day
             WHERE used_count <> expected OR used_count > "limit"
             ORDER BY abs(used_count - expected) DESC, user_id, quota_date
            """;

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

    /** Every user-day that breaks an invariant, the largest drift first. */
    public static List<InvariantViolation> all(Jdbi jdbi) {
        return jdbi.withHandle(handle -> handle.createQuery(VIOLATIONS)
                .bind("usageKinds", AdjustmentKind.usageChangingCodes())
                .map(ConstructorMapper.of(InvariantViolation.class)).list());
    }
}
