package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import dev.quota.core.persistence.GroupCommitStatements.CounterWrite;
import dev.quota.core.persistence.GroupCommitStatements.DayContext;
import dev.quota.core.persistence.GroupCommitStatements.DayKey;
import dev.quota.core.persistence.GroupCommitStatements.MessageRow;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The group-commit batch transaction as statements a Citus coordinator runs, one step each,
 * where {@link GroupCommitStatements} fuses the steps into data-modifying CTEs that span users
 * (so shards), which Citus refuses. Each statement here reads or writes every user of the
 * batch at once, split by Citus into one task per shard (the reads run on the workers in
 * parallel, the writes shard after shard): the contexts; the counters locked (made at 0 where the day has none) in the global order;
 * the units held on their days, read after those locks; the request ids already committed;
 * then the counters written and the messages stored.
 *
 * <p>No deadlock: the batch's writes run shard after shard, in Citus's shard order
 * ({@link #SHARD_AFTER_SHARD}), and within a shard the counters are locked in key order. So
 * every batch, and every message alone, takes its counter locks in one global order, (shard,
 * user id, day), as one server's batches take them in (user id, day). Left to run its shards
 * in parallel, Citus would make a multi-shard write wait for the others' shard locks on the
 * coordinator while a single-shard one waits for row locks on a worker: a cycle through two
 * nodes, which its detector breaks only after seconds.
 *
 * <p>Every unique key of a table distributed by user carries the user, so the messages'
 * arbiter is whatever unique key the product gave them ({@code ON CONFLICT DO NOTHING}):
 * {@code (user_id, request_id)} where one server's stand-in has {@code (request_id)}.
 */
public final class CitusBatchStatements {

    /** For the batch's transaction: its writes shard after shard, in shard order, rather than in parallel. */
    public static final String SHARD_AFTER_SHARD = "SET LOCAL citus.multi_shard_modify_mode TO 'sequential'";

    /** The contexts of {@code :userIds} (a {@link KeyArray}) on {@code :day}, one statement for the whole batch's day. */
    static final String CONTEXTS = QuotaContextDao.limitsOfUsers(":userIds", ":day");

    /**
     * The units held on the days of {@code :userIds} and {@code :days}, read in a statement of
     * its own once their counters are locked, by the rule {@code quota.held_units} keeps
     * ({@link HoldDao#HELD_NOW}). The function itself cannot run here: called per row of a
     * multi-shard query it would run a distributed query inside a shard's, which Citus refuses.
     */
    static final String HELD = """
            SELECT h.user_id, h.quota_date, CAST(sum(h.units) AS integer) AS held
              FROM quota_holds h
             WHERE h.user_id = ANY(:userIds) AND h.quota_date = ANY(CAST(:days AS date[]))
            """ + "   AND " + HoldDao.HELD_NOW + """

             GROUP BY h.user_id, h.quota_date
            """;

    /**
     * Which of {@code :retryIds} the users {@code :userIds} have stored already, in their
     * conversations {@code :conversationIds}: filtered by both, it reads only the shards of
     * those users, or of those conversations where the messages are distributed by
     * conversation.
     */
    static final String COMMITTED = """
            SELECT m.user_id, m.request_id FROM chat_messages m
             WHERE m.role = 'user' AND m.user_id = ANY(:userIds) AND m.conversation_id = ANY(CAST(:conversationIds AS bigint[]))
               AND m.request_id = ANY(CAST(:retryIds AS text[]))
            """;

    private static final PlainStatement CONTEXTS_STATEMENT = new PlainStatement(CONTEXTS);
    private static final PlainStatement HELD_STATEMENT = new PlainStatement(HELD);
    private static final PlainStatement COMMITTED_STATEMENT = new PlainStatement(COMMITTED);
    private static final PlainStatement WRITE_STATEMENT = new PlainStatement(UsageDao.WRITE_ALL);
    /** The row forms' statements by their number of rows: one text, parsed once, per batch size met. */
    private static final Map<Integer, PlainStatement> LOCK_STATEMENTS = new ConcurrentHashMap<>();
    private static final Map<Integer, PlainStatement> STORE_STATEMENTS = new ConcurrentHashMap<>();

    private CitusBatchStatements() {
    }

    /** The context of every user of {@code userIds} who exists, on {@code day}; {@code consumed} is 0 until the counter is locked. */
    public static List<DayContext> contexts(Connection connection, LocalDate day, List<UserKey> userIds) {
        return CONTEXTS_STATEMENT.queryAll(connection, Map.of("userIds", KeyArray.of(userIds), "day", day), rows -> {
            List<DayContext> contexts = new ArrayList<>();
            while (rows.next()) {
                contexts.add(new DayContext(day, new QuotaContext(UserKey.fromSql(rows.getObject("user_id")), rows.getString("email"),
                        rows.getString("plan_code"), rows.getObject("plan_limit", Integer.class), rows.getInt("granted"),
                        rows.getObject("daily_limit", Integer.class), 0)));
            }
            return contexts;
        });
    }

    /** Locks the counters of {@code keys} (made at 0 where missing) and reads them with the units held on their days. */
    public static Map<DayKey, GroupCommitStatements.Locked> lock(Connection connection, List<DayKey> keys) {
        List<DayKey> ordered = keys.stream().sorted(LOCK_ORDER).toList();
        Map<String, Object> rowValues = new HashMap<>();
        for (int i = 0; i < ordered.size(); i++) {
            rowValues.put("userId" + i, ordered.get(i).userId());
            rowValues.put("day" + i, ordered.get(i).day());
        }
        PlainStatement lock = LOCK_STATEMENTS.computeIfAbsent(ordered.size(), n -> new PlainStatement(UsageDao.lockOrCreateRows(n)));
        Map<DayKey, Integer> used = lock.queryAll(connection, rowValues, rows -> {
            Map<DayKey, Integer> counts = new HashMap<>();
            while (rows.next()) {
                counts.put(dayKey(rows.getObject("user_id"), rows.getObject("quota_date", LocalDate.class)), rows.getInt("used_count"));
            }
            return counts;
        });
        Map<DayKey, Integer> held = HELD_STATEMENT.queryAll(connection, GroupCommitStatements.keyValues(keys), rows -> {
            Map<DayKey, Integer> units = new HashMap<>();
            while (rows.next()) {
                units.put(dayKey(rows.getObject("user_id"), rows.getObject("quota_date", LocalDate.class)), rows.getInt("held"));
            }
            return units;
        });
        Map<DayKey, GroupCommitStatements.Locked> locked = new HashMap<>();
        used.forEach((key, count) -> locked.put(key, new GroupCommitStatements.Locked(count, held.getOrDefault(key, 0))));
        return locked;
    }

    /** Of the request ids of {@code messages}, those their own user has stored already. */
    public static Set<String> committed(Connection connection, List<MessageRow> messages) {
        List<UserKey> users = messages.stream().map(MessageRow::userId).distinct().toList();
        String[] ids = messages.stream().map(MessageRow::requestId).distinct().toArray(String[]::new);
        Set<UserRequest> asked = new HashSet<>();
        messages.forEach(message -> asked.add(new UserRequest(message.userId(), message.requestId())));
        Long[] conversations = users.stream().map(MessageDao::conversationOf).toArray(Long[]::new);
        return COMMITTED_STATEMENT.queryAll(connection, Map.of("userIds", KeyArray.of(users), "conversationIds", conversations,
                "retryIds", ids), rows -> {
            Set<String> committed = new HashSet<>();
            while (rows.next()) {
                String requestId = rows.getString("request_id");
                if (asked.contains(new UserRequest(UserKey.fromSql(rows.getObject("user_id")), requestId))) {
                    committed.add(requestId);
                }
            }
            return committed;
        });
    }

    /** A request id as the user who sent it: the key of a message on Citus. */
    private record UserRequest(UserKey userId, String requestId) {
    }

    /** Sets the locked counters, then stores the messages; returns the request ids that were new. */
    public static Set<String> commit(Connection connection, List<CounterWrite> counters, List<MessageRow> messages) {
        if (!counters.isEmpty()) {
            int written = WRITE_STATEMENT.queryAll(connection, GroupCommitStatements.counterValues(counters), rows -> {
                int n = 0;
                while (rows.next()) {
                    n++;
                }
                return n;
            });
            if (written != counters.size()) {
                throw new IllegalStateException("a locked counter row disappeared during its batch");
            }
        }
        return store(connection, messages);
    }

    /** Stores the messages, each on its user's shard (or its conversation's: {@link MessageDao#conversationOf}); returns the request ids that were new (a stored one is left as it is). */
    public static Set<String> store(Connection connection, List<MessageRow> messages) {
        Map<String, Object> rowValues = new HashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            rowValues.put("userId" + i, messages.get(i).userId());
            rowValues.put("conversationId" + i, MessageDao.conversationOf(messages.get(i).userId()));
            rowValues.put("sentAt" + i, messages.get(i).sentAt());
            rowValues.put("requestId" + i, messages.get(i).requestId());
        }
        PlainStatement store = STORE_STATEMENTS.computeIfAbsent(messages.size(), n -> new PlainStatement(MessageDao.storeRowsOnAnyKey(n)));
        return store.queryAll(connection, rowValues, rows -> {
            Set<String> stored = new HashSet<>();
            while (rows.next()) {
                stored.add(rows.getString("request_id"));
            }
            return stored;
        });
    }

    /** The global order of the counter locks within a shard, as one server's batches take them ({@link UsageDao#lockOrCreateAll}). */
    private static final java.util.Comparator<DayKey> LOCK_ORDER = java.util.Comparator.comparing(DayKey::userId, UserKey.ORDER).thenComparing(DayKey::day);

    private static DayKey dayKey(Object userId, LocalDate day) {
        return new DayKey(UserKey.fromSql(userId), day);
    }
}
