package dev.quota.core.persistence;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** The atomic strategy's chat path as one statement: read the limit, consume, store the messages. */
@RegisterConstructorMapper(ChatOutcome.class)
public interface ChatPathDao {

    // One round trip for the whole chat path. The limit is read in the same statement; the
    // counter upsert re-checks it under the row lock exactly as UsageDao.addWithinLimit does;
    // the messages are inserted only if the counter moved. No row back means no such user or
    // no active subscription: the caller then asks which, on that rare path only.
    @SqlQuery("""
            WITH context AS (
                SELECT u.id AS user_id, u.email, p.code AS plan_code, p.daily_message_limit AS plan_limit,
                       COALESCE((SELECT sum(a.applied_delta) FROM quota_adjustments a
                                  WHERE a.user_id = u.id AND a.quota_date = :day AND a.kind = 'grant'), 0) AS granted,
                       COALESCE((SELECT q.used_count FROM user_daily_quota_usages q
                                  WHERE q.user_id = u.id AND q.quota_date = :day), 0) AS consumed_before
                  FROM users u
                  JOIN user_subscriptions s ON s.user_id = u.id AND s.status = 'active'
                  JOIN billing_plans p ON p.id = s.plan_id
                 WHERE u.id = :userId
            ), counter AS (
                INSERT INTO user_daily_quota_usages AS q (user_id, quota_date, used_count, updated_at)
                SELECT c.user_id, :day, :units, now() FROM context c WHERE :units <= c.plan_limit + c.granted
                ON CONFLICT (user_id, quota_date) DO UPDATE
                   SET used_count = q.used_count + EXCLUDED.used_count, updated_at = EXCLUDED.updated_at
                 WHERE q.used_count + EXCLUDED.used_count <= (SELECT c.plan_limit + c.granted FROM context c)
                RETURNING used_count
            ), stored AS (
                INSERT INTO chat_messages (user_id, conversation_id, role, created_at, request_id)
                SELECT :userId, NULL, 'user', :createdAt, r
                  FROM unnest(CAST(:requestIds AS text[])) AS r
                 WHERE EXISTS (SELECT 1 FROM counter)
                ON CONFLICT (request_id) WHERE role = 'user' DO NOTHING
                RETURNING id
            )
            SELECT c.user_id, c.email, c.plan_code, c.plan_limit, CAST(c.granted AS integer) AS granted,
                   c.consumed_before, (SELECT used_count FROM counter) AS used_after,
                   CAST((SELECT count(*) FROM stored) AS integer) AS stored
              FROM context c
            """)
    Optional<ChatOutcome> accept(@Bind("userId") long userId, @Bind("day") LocalDate day, @Bind("units") int units,
                                 @Bind("requestIds") String[] requestIds, @Bind("createdAt") OffsetDateTime createdAt);
}
