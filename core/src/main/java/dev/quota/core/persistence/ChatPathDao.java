package dev.quota.core.persistence;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/**
 * The atomic strategy's chat path as one statement, for one round trip: read the limit
 * (the context query), consume (the counter upsert re-checks the limit under the row lock,
 * as UsageDao.addWithinLimit does), and store the messages only if the counter moved. No
 * plan (a null limit) never consumes; no row back means no such user.
 */
@RegisterConstructorMapper(ChatOutcome.class)
public interface ChatPathDao {

    @SqlQuery("WITH context AS (" + QuotaContextDao.CONTEXT + """
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
                   c.consumed, (SELECT used_count FROM counter) AS used_after,
                   CAST((SELECT count(*) FROM stored) AS integer) AS stored
              FROM context c
            """)
    Optional<ChatOutcome> accept(@Bind("userId") long userId, @Bind("day") LocalDate day, @Bind("units") int units,
                                 @Bind("requestIds") String[] requestIds, @Bind("createdAt") OffsetDateTime createdAt);
}
