package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import java.time.Instant;
import dev.quota.core.persistence.GroupCommitStatements.MessageRow;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
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

    /** The function alone, for {@link #runInSteps}. */
    static final String CONSUME = "SELECT accepted, replayed, code, daily_limit, consumed FROM consume(:userId, :units, :requestId, CAST(:at AS timestamptz))";

    /** The function's row, with what the caller needs to build the day's status. */
    public record Row(boolean accepted, boolean replayed, String code, Integer dailyLimit, Integer consumed, int stored,
                      String email, String planCode, Integer planLimit) {
    }

    private ConsumeFunctionStatement() {
    }

    /**
     * As {@link #run}, in the steps a backend on Citus takes, each a statement Citus plans:
     * the function; the messages, when it accepted a new request, stored on the user's shard
     * ({@link CitusBatchStatements#store}); then the email and the plan, read by the user. The
     * one statement is refused there: its data-modifying CTE and the plan's lateral join
     * around a distributed table.
     */
    public static Row runInSteps(Handle handle, UserKey userId, int units, String[] requestIds, Instant sentAt) {
        String at = sentAt.atOffset(ZoneOffset.UTC).toString();
        Row consumed = handle.createQuery(CONSUME)
                .bind("userId", userId).bind("units", units).bind("requestId", requestIds[0]).bind("at", at)
                .map((rs, ctx) -> new Row(rs.getBoolean("accepted"), rs.getBoolean("replayed"), rs.getString("code"),
                        rs.getObject("daily_limit", Integer.class), rs.getObject("consumed", Integer.class), 0, null, null, null))
                .one();
        LocalDate day = sentAt.atOffset(ZoneOffset.UTC).toLocalDate();
        int stored = 0;
        if (consumed.accepted() && !consumed.replayed()) {
            List<MessageRow> messages = Arrays.stream(requestIds).map(id -> new MessageRow(userId, day, id, at)).toList();
            stored = CitusBatchStatements.store(handle.getConnection(), messages).size();
        }
        QuotaContext context = CitusBatchStatements.contexts(handle.getConnection(), day, List.of(userId)).stream()
                .findFirst().map(GroupCommitStatements.DayContext::context).orElse(null);
        return new Row(consumed.accepted(), consumed.replayed(), consumed.code(), consumed.dailyLimit(), consumed.consumed(), stored,
                context == null ? null : context.email(), context == null ? null : context.planCode(),
                context == null ? null : context.planLimit());
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
