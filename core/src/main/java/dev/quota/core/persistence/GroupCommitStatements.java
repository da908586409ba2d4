package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The group-commit batch transaction in set-based statements, whatever the number of users
 * and messages in the batch. The usual batch is {@link #acceptAll} alone: every (user, day)'s
 * context, its counter locked in one global order and charged where all its messages fit,
 * and those messages stored. The users it leaves undecided are read back ({@link #readLocked})
 * and written by {@link #commit}. A batch with retried request ids starts with {@link #open}
 * instead: the contexts, the counters locked in the same order, and which of the ids are
 * already committed. Keys, counts and request ids go in as bound arrays; every statement is
 * built from the tables' own SQL ({@link QuotaContextDao}, {@link UsageDao}, {@link MessageDao}).
 */
public final class GroupCommitStatements {

    private static final String KEYS = """
            SELECT DISTINCT k.user_id, k.day
              FROM unnest(:userIds, CAST(:days AS date[])) AS k(user_id, day)""";

    // Only subscribed users get a counter: an unknown user has no account row to point at,
    // and a user without a plan is refused without one, as on every other path.
    public static final String OPEN = "WITH keys AS (" + KEYS + "),\n"
            + "facts AS (SELECT k.day, c.* FROM keys k CROSS JOIN LATERAL ("
            + QuotaContextDao.limitsOf("k.user_id", "k.day") + ") c),\n"
            + "locked AS (" + UsageDao.lockOrCreateAll("(SELECT user_id, day FROM facts WHERE plan_limit IS NOT NULL)") + ")\n" + """
            SELECT f.user_id, f.day, f.email, f.plan_code, f.plan_limit, CAST(f.granted AS integer) AS granted, f.daily_limit,
                   l.used_count AS locked_count, NULL AS request_ids
              FROM facts f LEFT JOIN locked l ON l.user_id = f.user_id AND l.quota_date = f.day
            UNION ALL
            SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
            """ + MessageDao.COMMITTED_AMONG_RETRY_IDS;

    private static final String REQUESTED = """
            SELECT r.user_id, r.day, CAST(sum(r.units) AS integer) AS units
              FROM unnest(:userIds, CAST(:days AS date[]), CAST(:units AS integer[])) AS r(user_id, day, units)
             GROUP BY r.user_id, r.day""";

    /**
     * The whole batch in one statement, when it holds no retried request id (its ids were
     * generated for the calls: nothing to look up first, nothing stored before): every (user,
     * day)'s context, its counter locked in the global order and, where all of its messages
     * fit, charged for them, and those messages stored. A key whose messages do not all fit
     * is left locked and unchanged for the caller to decide message by message
     * ({@link #readLocked}, then {@link #commit}). The messages' insert is read by nobody:
     * PostgreSQL runs a data-modifying {@code WITH} to completion all the same.
     */
    public static final String ACCEPT_ALL = "WITH requested AS (" + REQUESTED + "),\n"
            + "facts AS (SELECT k.day, k.units, c.* FROM requested k CROSS JOIN LATERAL ("
            + QuotaContextDao.limitsOf("k.user_id", "k.day") + ") c),\n"
            + "counters AS (" + UsageDao.addAllWithinLimits("(SELECT f.user_id, f.day, f.units, f.daily_limit"
            + " AS \"limit\" FROM facts f WHERE f.plan_limit IS NOT NULL)") + "),\n"
            + "stored AS (" + MessageDao.storeNewMessagesOfUsers(" JOIN counters c ON c.user_id = m.user_id AND c.quota_date = m.day",
            "c.used_count > 0") + ")\n" + """
            SELECT f.user_id, f.day, f.email, f.plan_code, f.plan_limit, CAST(f.granted AS integer) AS granted, f.daily_limit,
                   c.used_count AS counted
              FROM facts f LEFT JOIN counters c ON c.user_id = f.user_id AND c.quota_date = f.day""";

    // Each message keeps the instant its caller sent it, so that a batch flushed just after
    // midnight still stores yesterday's messages as such.
    public static final String COMMIT = "WITH counters AS (" + UsageDao.WRITE_ALL + "), stored AS (\n"
            + MessageDao.STORE_MESSAGES_OF_USERS + ")\n"
            + "SELECT ARRAY(SELECT request_id FROM stored) AS stored, (SELECT count(*) FROM counters) AS counters";

    private static final PlainStatement OPEN_STATEMENT = new PlainStatement(OPEN);
    private static final PlainStatement COMMIT_STATEMENT = new PlainStatement(COMMIT);
    private static final PlainStatement ACCEPT_ALL_STATEMENT = new PlainStatement(ACCEPT_ALL);
    private static final PlainStatement READ_LOCKED_STATEMENT = new PlainStatement(UsageDao.READ_ALL);

    private GroupCommitStatements() {
    }

    /**
     * What a batch starts from.
     *
     * @param contexts  the context of every (user, day) whose user exists; a subscribed one's
     *                  {@code consumed} is its counter, now locked by this transaction
     * @param committed those of the retried request ids that are already committed
     */
    public record Opened(List<DayContext> contexts, Set<String> committed) {
    }

    /** A user's context on one day of the batch. */
    public record DayContext(LocalDate day, QuotaContext context) {

        public DayKey key() {
            return new DayKey(context.userId(), day);
        }
    }

    /** Opens the batch of {@code keys}, looking {@code retryIds} up. */
    public static Opened open(Connection connection, List<DayKey> keys, String[] retryIds) {
        Map<String, Object> values = new HashMap<>(keyValues(keys));
        values.put("retryIds", retryIds);
        return OPEN_STATEMENT.queryAll(connection, values, rows -> {
            List<DayContext> contexts = new ArrayList<>();
            Set<String> committed = readBatch(rows, row -> {
                Integer locked = row.getObject("locked_count", Integer.class);
                contexts.add(new DayContext(row.getObject("day", LocalDate.class), context(row, locked == null ? 0 : locked)));
            });
            return new Opened(contexts, committed);
        });
    }

    /** Reads one (user, day) row of a batch statement. */
    @FunctionalInterface
    private interface KeyRowReader {
        void read(ResultSet row) throws SQLException;
    }

    /**
     * Reads a batch statement's result: a row per (user, day), then one row holding, in
     * {@code request_ids}, the request ids the statement found committed or stored.
     */
    private static Set<String> readBatch(ResultSet rows, KeyRowReader perKey) throws SQLException {
        Set<String> requestIds = new HashSet<>();
        while (rows.next()) {
            java.sql.Array ids = rows.getArray("request_ids");
            if (ids == null) {
                perKey.read(rows);
            } else {
                requestIds.addAll(Arrays.asList((String[]) ids.getArray()));
            }
        }
        return requestIds;
    }

    /** The context columns of a batch statement's row, with the counter as given. */
    private static QuotaContext context(ResultSet row, int consumed) throws SQLException {
        return new QuotaContext(UserKey.fromSql(row.getObject("user_id")), row.getString("email"), row.getString("plan_code"),
                row.getObject("plan_limit", Integer.class), row.getInt("granted"), row.getObject("daily_limit", Integer.class), consumed);
    }

    /** {@code :userIds} and {@code :days}, pair by pair. */
    static Map<String, Object> keyValues(List<DayKey> keys) {
        return Map.of("userIds", KeyArray.of(keys.stream().map(DayKey::userId).toList()),
                "days", isoDates(keys.stream().map(DayKey::day).toArray(LocalDate[]::new)));
    }

    static Map<String, Object> messageValues(List<MessageRow> messages) {
        List<UserKey> messageUserIds = new ArrayList<>(messages.size());
        LocalDate[] messageDays = new LocalDate[messages.size()];
        String[] requestIds = new String[messages.size()];
        String[] sentAt = new String[messages.size()];
        for (int i = 0; i < messages.size(); i++) {
            MessageRow message = messages.get(i);
            messageUserIds.add(message.userId());
            messageDays[i] = message.day();
            requestIds[i] = message.requestId();
            sentAt[i] = message.sentAt();
        }
        return Map.of("messageUserIds", KeyArray.of(messageUserIds), "messageDays", isoDates(messageDays), "requestIds", requestIds, "sentAt", sentAt);
    }

    private static String[] isoDates(LocalDate[] days) {
        return Arrays.stream(days).map(LocalDate::toString).toArray(String[]::new);
    }

    /** One counter's new value. */
    public record CounterWrite(UserKey userId, LocalDate day, int used) {
    }

    /** One message to store, on its user's quota day. */
    public record MessageRow(UserKey userId, LocalDate day, String requestId, String sentAt) {
    }

    /** A request of the batch: units for a user's day. */
    public record Requested(UserKey userId, LocalDate day, int units) {
    }

    /**
     * What {@link #ACCEPT_ALL} did.
     *
     * @param contexts the context of every (user, day) whose user exists; {@code consumed} is
     *                 the counter after the batch's messages when all of them fit, else 0
     * @param counted  the (user, day) pairs whose messages were all charged and stored
     */
    public record AcceptedAll(List<DayContext> contexts, Set<DayKey> counted) {
    }

    /** A user's quota day. */
    public record DayKey(UserKey userId, LocalDate day) {
    }

    public static AcceptedAll acceptAll(Connection connection, List<Requested> requests, List<MessageRow> messages) {
        List<UserKey> userIds = new ArrayList<>(requests.size());
        LocalDate[] days = new LocalDate[requests.size()];
        int[] units = new int[requests.size()];
        for (int i = 0; i < requests.size(); i++) {
            userIds.add(requests.get(i).userId());
            days[i] = requests.get(i).day();
            units[i] = requests.get(i).units();
        }
        Map<String, Object> values = new HashMap<>(messageValues(messages));
        values.put("userIds", KeyArray.of(userIds));
        values.put("days", isoDates(days));
        values.put("units", units);
        return ACCEPT_ALL_STATEMENT.queryAll(connection, values, rows -> {
            List<DayContext> contexts = new ArrayList<>();
            Set<DayKey> counted = new HashSet<>();
            while (rows.next()) {
                int count = rows.getInt("counted");
                boolean taken = !rows.wasNull() && count > 0;
                DayContext context = new DayContext(rows.getObject("day", LocalDate.class), context(rows, taken ? count : 0));
                contexts.add(context);
                if (taken) {
                    counted.add(context.key());
                }
            }
            return new AcceptedAll(contexts, counted);
        });
    }

    /** The counters of {@code keys}, which this transaction has locked: nobody else can have moved them since. */
    public static Map<DayKey, Locked> readLocked(Connection connection, List<DayKey> keys) {
        return READ_LOCKED_STATEMENT.queryAll(connection, keyValues(keys), rows -> {
            Map<DayKey, Locked> counts = new HashMap<>();
            while (rows.next()) {
                counts.put(new DayKey(UserKey.fromSql(rows.getObject("user_id")), rows.getObject("quota_date", LocalDate.class)),
                        new Locked(rows.getInt("used_count"), rows.getInt("held")));
            }
            return counts;
        });
    }

    /** A locked counter and the units held on its day, read after the lock. */
    public record Locked(int used, int held) {
    }

    /** Sets the locked counters and stores the messages; returns the request ids that were new. */
    public static Set<String> commit(Connection connection, List<CounterWrite> counters, List<MessageRow> messages) {
        Map<String, Object> values = new HashMap<>(messageValues(messages));
        values.putAll(counterValues(counters));
        return COMMIT_STATEMENT.queryFirst(connection, values, row -> {
            if (row.getLong("counters") != counters.size()) {
                throw new IllegalStateException("a locked counter row disappeared during its batch");
            }
            return Set.copyOf(Arrays.asList((String[]) row.getArray("stored").getArray()));
        }).orElseThrow();
    }

    /** {@code :counterUserIds}, {@code :counterDays} and {@code :counterUsed} of {@link UsageDao#WRITE_ALL}. */
    static Map<String, Object> counterValues(List<CounterWrite> counters) {
        List<UserKey> counterUserIds = new ArrayList<>(counters.size());
        String[] counterDays = new String[counters.size()];
        int[] counterUsed = new int[counters.size()];
        for (int i = 0; i < counters.size(); i++) {
            CounterWrite write = counters.get(i);
            counterUserIds.add(write.userId());
            counterDays[i] = write.day().toString();
            counterUsed[i] = write.used();
        }
        return Map.of("counterUserIds", KeyArray.of(counterUserIds), "counterDays", counterDays, "counterUsed", counterUsed);
    }
}
