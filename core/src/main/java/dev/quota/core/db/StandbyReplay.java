package dev.quota.core.db;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import java.time.Duration;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Waits until a hot standby has replayed everything its primary had committed at a given
 * moment, so that what is read there afterwards is at least as new as that moment: the
 * primary's WAL insert position is compared with the standby's
 * {@code pg_last_wal_replay_lsn()}. Bounded: a standby that cannot catch up in time is
 * {@code standby_behind}, never a silent stale answer.
 */
public final class StandbyReplay {

    public static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);
    private static final long POLL_MILLIS = 50;

    /** How a wait ended: the primary's position waited for, and how long it took. */
    public record Caught(String primaryLsn, Duration waited, boolean standby) {
    }

    private StandbyReplay() {
    }

    /**
     * Returns once {@code reads} has replayed {@code primary}'s current WAL position. When
     * {@code reads} is no standby (the primary itself, or a server of its own), it has
     * nothing to replay and the call returns at once.
     */
    public static Caught await(Database primary, Database reads, Duration bound) {
        long started = System.nanoTime();
        String target = SqlStates.translated(() -> primary.jdbi().withHandle(StandbyReplay::currentPosition));
        return SqlStates.translated(() -> reads.jdbi().withHandle(handle -> {
            if (!ServerRole.isStandby(handle)) {
                return new Caught(target, Duration.ofNanos(System.nanoTime() - started), false);
            }
            long deadline = started + bound.toNanos();
            while (true) {
                Position position = position(handle, target);
                if (position.caughtUp()) {
                    return new Caught(target, Duration.ofNanos(System.nanoTime() - started), true);
                }
                if (System.nanoTime() >= deadline) {
                    throw behind(reads, target, position, bound);
                }
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new QuotaException(ErrorCode.STANDBY_BEHIND, "interrupted while waiting for the standby to catch up");
                }
            }
        }));
    }

    private static String currentPosition(Handle primary) {
        if (ServerRole.isStandby(primary)) {
            throw new QuotaException(ErrorCode.READ_ONLY_DATABASE, "the database given as the primary is a hot standby;"
                    + " point --db-url (QUOTA_DB_URL) at the primary and --read-url (QUOTA_READ_URL) at the standby");
        }
        // the insert position, not pg_current_wal_lsn() (the write position): under
        // synchronous_commit = off a commit has returned before its record is written
        return primary.createQuery("SELECT CAST(pg_current_wal_insert_lsn() AS text)").mapTo(String.class).one();
    }

    private record Position(String replayed, boolean caughtUp, boolean paused) {
    }

    private static Position position(Handle standby, String target) {
        return standby.createQuery("""
                        SELECT CAST(pg_last_wal_replay_lsn() AS text) AS replayed,
                               COALESCE(pg_last_wal_replay_lsn() >= CAST(:target AS pg_lsn), false) AS caught_up,
                               pg_is_wal_replay_paused() AS paused
                        """)
                .bind("target", target)
                .map((rs, ctx) -> new Position(rs.getString("replayed"), rs.getBoolean("caught_up"), rs.getBoolean("paused")))
                .one();
    }

    private static QuotaException behind(Database standby, String target, Position position, Duration bound) {
        return new QuotaException(ErrorCode.STANDBY_BEHIND, "the standby " + standby.describe() + " had replayed WAL to "
                + position.replayed() + ", short of the primary's " + target + ", after " + bound.toSeconds() + " s"
                + (position.paused() ? " (replay is paused there: SELECT pg_wal_replay_resume())" : "")
                + "; nothing was read from it. Check pg_stat_replication on the primary, or wait longer (--standby-wait)",
                Map.of("primary_lsn", target, "replayed_lsn", String.valueOf(position.replayed()), "paused", position.paused(),
                        "waited_seconds", bound.toSeconds()));
    }
}
