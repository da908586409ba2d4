package dev.quota.core.persistence;

import dev.quota.core.UserKey;
import java.time.LocalDate;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * Every statement on {@code user_daily_quota_usages}. The hot paths' fused statements
 * ({@link ChatPathStatement}, {@link CoalescedBatchStatements}) are built from the
 * constants here; none of them formats a value into SQL.
 */
public interface UsageDao {

    /**
     * The limit-guarded counter upsert, with the limit read from {@code limit} (a bound
     * parameter, or the context of a fused statement). The INSERT branch only fires for the
     * day's first consumption and is itself guarded by the limit (a null limit, no plan,
     * never inserts); the DO UPDATE branch re-checks the limit against the latest committed
     * row under its row lock, so concurrent callers serialize on the row and none can push
     * it past the limit. No row back = refused.
     */
    static String addWithinLimit(String limit) {
        return """
                INSERT INTO user_daily_quota_usages AS q (user_id, quota_date, used_count, updated_at)
                SELECT :userId, :day, :units, now()
                 WHERE :units <= %1$s
                ON CONFLICT (user_id, quota_date) DO UPDATE
                   SET used_count = q.used_count + EXCLUDED.used_count, updated_at = EXCLUDED.updated_at
                 WHERE q.used_count + EXCLUDED.used_count + %2$s <= %1$s
                RETURNING used_count
                """.formatted(limit, HELD_AFTER_LOCK);
    }

    /**
     * The units held for replies being written on the locked row's day ({@code quota.reserve}),
     * for a guard evaluated once the row is locked: {@code held_units} is VOLATILE, so it reads
     * on a snapshot of its own and sees every hold committed under that lock. A day's first
     * row has no holds: reserve makes the row before it holds.
     */
    String HELD_AFTER_LOCK = "held_units(q.user_id, q.quota_date)";

    /** The units held on a day, read in a statement of its own after the counter is locked. */
    @SqlQuery("SELECT held_units(:userId, :day)")
    int held(UserKey userId, LocalDate day);

    /**
     * Sets a counter read before to {@code used} unless the holds taken meanwhile leave no
     * room: the write of the strategies that decide without the row lock (advisory,
     * serializable). Empty when refused.
     */
    @SqlQuery("""
            INSERT INTO user_daily_quota_usages AS q (user_id, quota_date, used_count, updated_at)
            SELECT :userId, :day, :used, now()
             WHERE :used <= :limit
            ON CONFLICT (user_id, quota_date) DO UPDATE SET used_count = EXCLUDED.used_count, updated_at = EXCLUDED.updated_at
             WHERE EXCLUDED.used_count + held_units(q.user_id, q.quota_date) <= :limit
            RETURNING used_count
            """)
    Optional<Integer> upsertWithinLimit(UserKey userId, LocalDate day, int used, int limit);

    /** The whole of the atomic strategy's counter step, run as a {@link PlainStatement}. */
    String ADD_WITHIN_LIMIT = addWithinLimit(":limit");

    String READ = "SELECT used_count FROM user_daily_quota_usages WHERE user_id = :userId AND quota_date = :day";
    String READ_FOR_UPDATE = READ + " FOR UPDATE";

    @SqlQuery(READ)
    Optional<Integer> read(UserKey userId, LocalDate day);

    @SqlQuery(READ_FOR_UPDATE)
    Optional<Integer> readForUpdate(UserKey userId, LocalDate day);

    /**
     * Locks the counter row, creating it at 0 first when the day has none, and returns its
     * value. The steady state is one locking read; only the day's first writer pays the
     * insert, which never fails on a concurrent creator (see {@link #insertIfAbsent}).
     */
    default int lockOrCreate(UserKey userId, LocalDate day) {
        return readForUpdate(userId, day).orElseGet(() -> {
            insertIfAbsent(userId, day, 0);
            return readForUpdate(userId, day).orElseThrow();
        });
    }

    // DO NOTHING: when a concurrent transaction created the row first we simply use theirs;
    // the caller then locks or re-reads it, so no duplicate-key error reaches anyone.
    @SqlUpdate("""
            INSERT INTO user_daily_quota_usages (user_id, quota_date, used_count, updated_at)
            VALUES (:userId, :day, :used, now())
            ON CONFLICT (user_id, quota_date) DO NOTHING
            """)
    int insertIfAbsent(UserKey userId, LocalDate day, int used);

    @SqlUpdate("""
            INSERT INTO user_daily_quota_usages AS q (user_id, quota_date, used_count, updated_at)
            VALUES (:userId, :day, :used, now())
            ON CONFLICT (user_id, quota_date) DO UPDATE SET used_count = EXCLUDED.used_count, updated_at = EXCLUDED.updated_at
            """)
    int upsert(UserKey userId, LocalDate day, int used);

    String WRITE = "UPDATE user_daily_quota_usages SET used_count = :used, updated_at = now() WHERE user_id = :userId AND quota_date = :day";

    /**
     * Locks the counters of {@code keys} (a relation of {@code user_id, day}), creating at 0
     * those a day has not got yet, in one global order (user id, then day) so that any number
     * of batches locking overlapping sets wait for each other instead of deadlocking. The
     * no-op DO UPDATE is what locks an existing row, and its RETURNING gives the latest
     * committed value even when the lock was waited for, which a read in the same statement
     * (its older snapshot) would not.
     */
    static String lockOrCreateAll(String keys) {
        return """
                INSERT INTO user_daily_quota_usages AS q (user_id, quota_date, used_count, updated_at)
                SELECT k.user_id, k.day, 0, now() FROM %s k
                 ORDER BY k.user_id, k.day
                ON CONFLICT (user_id, quota_date) DO UPDATE SET used_count = q.used_count
                RETURNING q.user_id, q.quota_date, q.used_count
                """.formatted(keys);
    }

    /**
     * As {@link #lockOrCreateAll}, for {@code rows} keys given as rows of values
     * ({@code :userId0}, {@code :day0}, …) in the order to lock them: Citus's form
     * ({@code CitusBatchStatements}), which routes each row to its user's shard, where it
     * would run an {@code INSERT … SELECT} through intermediate results on the coordinator.
     */
    static String lockOrCreateRows(int rows) {
        return "INSERT INTO user_daily_quota_usages AS q (user_id, quota_date, used_count, updated_at)\nVALUES "
                + IntStream.range(0, rows).mapToObj(i -> "(:userId%1$d, CAST(:day%1$d AS date), 0, now())".formatted(i))
                        .collect(Collectors.joining(",\n       "))
                + """

                ON CONFLICT (user_id, quota_date) DO UPDATE SET used_count = q.used_count
                RETURNING q.user_id, q.quota_date, q.used_count
                """;
    }

    /**
     * As {@link #lockOrCreateAll}, and in the same single statement it consumes: each key of
     * {@code keys} (a relation of {@code user_id, day, units, limit}) takes its {@code units}
     * where they fit under its {@code limit}. A key that does not fit is still locked (a
     * DO UPDATE whose WHERE fails locks its row, as the documentation says), or created at 0
     * when the day had no row, so the caller can decide message by message without taking a
     * lock out of order. RETURNING gives the keys whose units were taken, with the new count,
     * and those created at 0.
     */
    static String addAllWithinLimits(String keys) {
        return """
                INSERT INTO user_daily_quota_usages AS q (user_id, quota_date, used_count, updated_at)
                SELECT k.user_id, k.day, CASE WHEN k.units <= k."limit" THEN k.units ELSE 0 END, now() FROM %1$s k
                 ORDER BY k.user_id, k.day
                ON CONFLICT (user_id, quota_date) DO UPDATE
                   SET used_count = q.used_count + EXCLUDED.used_count, updated_at = EXCLUDED.updated_at
                 WHERE EXCLUDED.used_count > 0
                   AND q.used_count + EXCLUDED.used_count + %2$s <= (SELECT k."limit" FROM %1$s k
                                                               WHERE k.user_id = q.user_id AND k.day = q.quota_date)
                RETURNING q.user_id, q.quota_date, q.used_count
                """.formatted(keys, HELD_AFTER_LOCK);
    }

    /** The counters of the pairs {@code :userIds} (a {@link KeyArray}), {@code :days} (date[]), and their held units: read after locking them. */
    String READ_ALL = """
            SELECT q.user_id, q.quota_date, q.used_count, held_units(q.user_id, q.quota_date) AS held FROM user_daily_quota_usages q
              JOIN unnest(:userIds, CAST(:days AS date[])) AS k(user_id, day)
                ON q.user_id = k.user_id AND q.quota_date = k.day
            """;

    /**
     * Sets several locked counters at once: {@code :counterUserIds} (a {@link KeyArray}), {@code :counterDays} (text[] of ISO
     * dates), {@code :counterUsed} (integer[]). The {@code ANY} repeats the join for a sharded planner: Citus prunes by it to
     * the shards of the batch's users, where the join alone would send the update to every shard.
     */
    String WRITE_ALL = """
            UPDATE user_daily_quota_usages q SET used_count = v.used, updated_at = now()
              FROM unnest(:counterUserIds, CAST(:counterDays AS date[]), CAST(:counterUsed AS integer[]))
                   AS v(user_id, day, used)
             WHERE q.user_id = v.user_id AND q.quota_date = v.day AND q.user_id = ANY(:counterUserIds)
            RETURNING q.user_id
            """;

    @SqlUpdate(WRITE)
    int write(UserKey userId, LocalDate day, int used);

    // Compare-and-set: matches only if nobody committed a change since we read :seen, and the
    // holds taken meanwhile (which do not change used_count) still leave room.
    @SqlUpdate("""
            UPDATE user_daily_quota_usages q SET used_count = :used, updated_at = now()
             WHERE q.user_id = :userId AND q.quota_date = :day AND q.used_count = :seen
               AND :used + held_units(q.user_id, q.quota_date) <= :limit
            """)
    int compareAndSet(UserKey userId, LocalDate day, int seen, int used, int limit);

    // Serializes every writer of one (user, day) that is not already serialized by the row
    // lock: the advisory strategy and the audited adjustments take it in the same order
    // (advisory lock, then row), so they cannot deadlock with each other.
    @SqlQuery("SELECT 1 FROM pg_advisory_xact_lock(:classId, :objectId)")
    int advisoryLock(int classId, int objectId);
}
