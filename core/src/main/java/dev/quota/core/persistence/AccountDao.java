package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import java.time.OffsetDateTime;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * Users, plans and subscriptions. The chat backend owns these rows; the toolkit writes them
 * only to seed demo and test data.
 */
public interface AccountDao {

    @SqlQuery("""
            INSERT INTO billing_plans (code, display_name, daily_message_limit, is_active)
            VALUES (:code, :displayName, :limit, true)
            ON CONFLICT (code) DO UPDATE SET display_name = EXCLUDED.display_name,
                                             daily_message_limit = EXCLUDED.daily_message_limit
            RETURNING id
            """)
    long upsertPlan(String code, String displayName, @Bind("limit") int dailyMessageLimit);

    @SqlQuery("INSERT INTO users (email, role) VALUES (:email, 'user') RETURNING id")
    UserKey insertUser(String email);

    @SqlUpdate("""
            INSERT INTO user_subscriptions (user_id, plan_id, status, started_at)
            VALUES (:userId, :planId, 'active', :startedAt)
            """)
    void subscribe(UserKey userId, long planId, OffsetDateTime startedAt);
}
