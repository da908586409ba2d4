package dev.quota.core.persistence;

import org.jdbi.v3.sqlobject.SqlObject;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/**
 * Resolves a user reference and reads the facts a day's quota is derived from: the
 * statements' one home. {@link QuotaContextReads} runs the reads of one user as plain JDBC.
 */
public interface QuotaContextDao extends SqlObject {

    /** The user with an email, compared without case. */
    String USER_BY_EMAIL = "SELECT user_id FROM accounts WHERE lower(email) = lower(:email)";

    /** The effective limit of a plan's limit and a day's grants, by the rule's one home ({@code quota.effective_limit}). */
    @SqlQuery("SELECT effective_limit(:planLimit, :granted)")
    int effectiveLimit(int planLimit, long granted);

    /**
     * The user, the plan of the active subscription, the day's grants and the counter, in
     * one read. Grants are summed here rather than kept on the counter row so that the audit
     * trail is the single source of truth for the limit. The atomic strategy's one-statement
     * chat path ({@link ChatPathStatement}) starts from this same query.
     */
    String CONTEXT = contextOf(":userId", ":day");

    /** As {@link #CONTEXT}, for a finished day: with the plan that covered it ({@link PlanOfDay}). */
    String FINISHED_DAY_CONTEXT = Facts.select(":day") + PlanOfDay.COVERING + Facts.where(":userId");

    /**
     * As {@link #CONTEXT}, for the user and day given as SQL expressions of an embedding
     * statement (columns or bound parameters, never caller text): group commit reads the
     * context of every (user, day) of its batch with it, laterally.
     */
    static String contextOf(String userId, String day) {
        return Facts.select(day) + PlanOfDay.ACTIVE + Facts.where(userId);
    }

    /**
     * As {@link #contextOf}, without the counter: for a batch statement that locks or charges
     * each counter itself and reads it from there. Reading it here as well would cost a probe
     * of the counters' index per (user, day) for a value nobody reads.
     */
    static String limitsOf(String userId, String day) {
        return Facts.select(day, false) + PlanOfDay.ACTIVE + Facts.where(userId);
    }

    /**
     * As {@link #limitsOf}, for every user of {@code userIds} (an array of the embedding
     * statement) on {@code day}, each distributed table read filtered by that array, so that
     * Citus runs it on those users' shards only ({@link PlanOfDay#activeOf}).
     */
    static String limitsOfUsers(String userIds, String day) {
        String ofUsers = " = ANY(" + userIds + ")";
        return Facts.select(day, false, "dg.user_id" + ofUsers) + PlanOfDay.activeOf(userIds) + " WHERE u.user_id" + ofUsers + "\n";
    }

    /** What both context reads select; they differ only in how the plan is found. */
    final class Facts {
        static String select(String day) {
            return select(day, true);
        }

        static String select(String day, boolean withCounter) {
            return select(day, withCounter, "");
        }

        /** As {@link #select(String, boolean)}, the grants also filtered by {@code grantsAlsoWhere}, a condition on {@code dg}, when not empty. */
        static String select(String day, boolean withCounter, String grantsAlsoWhere) {
            String counter = withCounter ? """
                    ,
                           COALESCE((SELECT q.used_count FROM user_daily_quota_usages q
                                      WHERE q.user_id = u.user_id AND q.quota_date = %1$s), 0) AS consumed""" : "";
            return ("""
                    SELECT u.user_id, u.email, p.plan_code, p.daily_message_limit AS plan_limit, COALESCE(g.granted, 0) AS granted,
                           effective_limit(p.daily_message_limit, COALESCE(g.granted, 0)) AS daily_limit"""
                    + counter + """

                      FROM accounts u
                      LEFT JOIN LATERAL (SELECT dg.granted FROM day_grants dg
                                          WHERE dg.user_id = u.user_id AND dg.quota_date = %1$s%2$s) g ON true
                    """).formatted(day, grantsAlsoWhere.isEmpty() ? "" : " AND " + grantsAlsoWhere);
        }

        static String where(String userId) {
            return " WHERE u.user_id = " + userId + "\n";
        }

        private Facts() {
        }
    }
}
