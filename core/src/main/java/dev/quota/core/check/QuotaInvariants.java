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
 * judged by the plan of that day ({@link PlanOfDay#ofEachDay}: a finished day the plan that covered it), as the reconciler judges it.
 */
public final class QuotaInvariants {

    public static final int SAMPLE_SIZE = 20;

    private static final String VIOLATIONS = """
            WITH messages AS (
                SELECT user_id, CAST(created_at AT TIME ZONE 'UTC' AS date) AS quota_date, count(*) AS n
                  FROM user_messages
                 GROUP BY 1, 2),
            adjustments AS (
                SELECT user_id, quota_date,
                       COALESCE(sum(applied_delta) FILTER (WHERE kind = ANY(CAST(:usageKinds AS text[]))), 0) AS usage_delta
                  FROM quota_adjustments GROUP BY 1, 2),
            days AS (
                SELECT COALESCE(q.user_id, m.user_id) AS user_id, COALESCE(q.quota_date, m.quota_date) AS quota_date,
                       COALESCE(q.used_count, 0) AS used_count, COALESCE(m.n, 0) AS messages
                  FROM user_daily_quota_usages q
                  FULL JOIN messages m ON m.user_id = q.user_id AND m.quota_date = q.quota_date)
            SELECT user_id, quota_date, used_count, messages, expected, "limit"
              FROM (SELECT d.user_id, d.quota_date, d.used_count, CAST(d.messages AS integer) AS messages,
                           expected_usage(d.messages, COALESCE(a.usage_delta, 0)) AS expected,
                           effective_limit(p.daily_message_limit, COALESCE(g.granted, 0)) AS "limit"
                      FROM days d
                      LEFT JOIN adjustments a ON a.user_id = d.user_id AND a.quota_date = d.quota_date
                      LEFT JOIN day_grants g ON g.user_id = d.user_id AND g.quota_date = d.quota_date
            """ + PlanOfDay.ofEachDay("d.user_id", "d.quota_date") + """
                   ) day
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
