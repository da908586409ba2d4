package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The chat path through the SQL API, as a backend in another language runs it: the
 * {@code quota.consume} function, then the messages stored ({@link MessageDao#storeUserMessages})
 * only when it accepted a new request, in one statement and the caller's transaction. The
 * email and the plan come back beside the function's row so that the caller can answer with
 * the full status.
 */
public final class ConsumeFunctionStatement {

    static final String SQL = "WITH c AS MATERIALIZED (SELECT * FROM consume(:userId, :units, :requestId, CAST(:at AS timestamptz))), stored AS (\n"
            + MessageDao.storeUserMessages("(SELECT c.accepted AND NOT c.replayed FROM c)") + ")\n" + """
            SELECT c.accepted, c.replayed, c.code, c.daily_limit, c.consumed,
                   CAST((SELECT count(*) FROM stored) AS integer) AS stored,
                   u.email, p.plan_code, p.daily_message_limit AS plan_limit
              FROM c
              LEFT JOIN accounts u ON u.user_id = :userId
            """ + PlanOfDay.ACTIVE;

    /** The function's row, with what the caller needs to build the day's status. */
    public record Row(boolean accepted, boolean replayed, String code, Integer dailyLimit, Integer consumed, int stored,
                      String email, String planCode, Integer planLimit) {
    }

    private ConsumeFunctionStatement() {
    }

    public static Row run(Handle handle, UserKey userId, int units, String[] requestIds, Instant sentAt) {
        Map<String, Object> values = new HashMap<>(MessageDao.storeValues(userId, requestIds, sentAt));
        values.put("units", units);
        values.put("requestId", requestIds[0]);
        values.put("at", sentAt.atOffset(ZoneOffset.UTC).toString());
        return handle.createQuery(SQL).bindMap(values)
                .map((rs, ctx) -> new Row(rs.getBoolean("accepted"), rs.getBoolean("replayed"), rs.getString("code"),
                        rs.getObject("daily_limit", Integer.class), rs.getObject("consumed", Integer.class), rs.getInt("stored"),
                        rs.getString("email"), rs.getString("plan_code"), rs.getObject("plan_limit", Integer.class)))
                .one();
    }
}
