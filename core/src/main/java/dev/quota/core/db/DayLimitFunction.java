package dev.quota.core.db;

import dev.quota.core.UserKeyType;
import dev.quota.core.persistence.PlanOfDay;

/**
 * {@code quota.day_limit(user, day, finished)}: the rules of a user's day in one row, for the
 * SQL API ({@code quota.consume}, {@code quota.status}). Rendered from the rules' homes: the
 * plan of the day ({@link PlanOfDay#rule}), the day's grants (the view {@code day_grants}),
 * the effective limit ({@code quota.effective_limit}). PL/pgSQL, not SQL: Citus plans the
 * queries of a PL/pgSQL function with their parameters bound, where it cannot plan a SQL
 * function that reads a distributed table.
 */
public final class DayLimitFunction {

    private DayLimitFunction() {
    }

    /** The function for a product whose users are keyed by whole numbers (V8). */
    public static String ddl(Schemas schemas) {
        return ddl(schemas, UserKeyType.WHOLE_NUMBER);
    }

    /** The function taking the product's key type. */
    public static String ddl(Schemas schemas, UserKeyType keyType) {
        return ddl(schemas, keyType, PlanOfDay.rule("p_user_id", "p_day", "p_finished"));
    }

    /**
     * The function rendered from {@code planRule}, a query of {@code plan_code} and
     * {@code daily_message_limit} over {@code p_user_id}, {@code p_day} and {@code p_finished}:
     * what an earlier or later release's rule renders.
     */
    public static String ddl(Schemas schemas, UserKeyType keyType, String planRule) {
        return """
                CREATE OR REPLACE FUNCTION %1$s.day_limit(p_user_id %4$s, p_day date, p_finished boolean)
                RETURNS TABLE (plan_code text, plan_limit integer, granted integer, daily_limit integer)
                LANGUAGE plpgsql STABLE
                SET search_path = %1$s, %2$s
                AS $fn$
                BEGIN
                    RETURN QUERY
                    -- a product's own types (varchar, bigint) cast to the function's: RETURN QUERY takes no other
                    SELECT CAST(p.plan_code AS text), CAST(p.daily_message_limit AS integer), CAST(COALESCE(g.granted, 0) AS integer),
                           effective_limit(p.daily_message_limit, COALESCE(g.granted, 0))
                      FROM (%3$s) p
                      LEFT JOIN day_grants g ON g.user_id = p_user_id AND g.quota_date = p_day;
                END
                $fn$""".formatted(schemas.toolkit(), schemas.product(),
                planRule.indent(10).strip(), keyType.sqlType());
    }
}
