package dev.quota.core.db;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * What each toolkit migration locks on a database already in use, whom that makes wait, and
 * for how long: the table {@code quota db migrate --plan} prints before an upgrade, and what
 * {@code db migrate} runs first in each migration ({@link MigrationPreamble}): its
 * statement_timeout, then its locks, in the order listed here, which is the chat's. One entry per migration in
 * {@code db/toolkit}, kept beside them ({@code MigrationPlanTest} fails for a migration
 * without one). Tables a run creates are new and empty; only locks on tables that exist
 * when the plan is made are listed.
 */
public final class MigrationPlan {

    /**
     * Rows an index build reads, sorts and writes a second, measured on V7's own statement:
     * {@code ALTER TABLE consumed_requests ADD PRIMARY KEY (user_id, request_id)} over
     * 1,000,000 rows took 0.555, 0.565 and 0.570 s on the embedded PostgreSQL 17.6, 2 cores
     * (docs/operations.md#upgrading). A slower server holds longer: the plan says "about".
     */
    static final double ROWS_PER_SECOND = 1_000_000 / 0.565;
    /** A rows-bound migration gets this many times its expected duration before it is cancelled. */
    static final int TIMEOUT_MARGIN = 10;

    /** How long a lock is held: while the catalog changes (milliseconds), or while every row is read under it. */
    public enum Hold { CATALOG, ROWS }

    /** One lock a migration takes on an existing toolkit table ({@code table} unqualified), and who waits while it is held. */
    record Lock(String table, String mode, Hold hold, String blocks) {
    }

    private record Entry(String does, List<Lock> locks) {
    }

    private static final String SHARE_UPDATE_EXCLUSIVE = "SHARE UPDATE EXCLUSIVE";
    private static final String ACCESS_EXCLUSIVE = "ACCESS EXCLUSIVE";
    private static final String SHARE = "SHARE";
    private static final String READERS_OF_SETTINGS = "the toolkit's commands and the nightly job as they start (they read the settings)";

    private static final Map<Integer, Entry> ENTRIES = Map.ofEntries(
            Map.entry(1, new Entry("creates the toolkit's tables", List.of())),
            Map.entry(2, new Entry("creates the nightly job's repository", List.of())),
            Map.entry(3, new Entry("carries the toolkit's tables of the previous layout over from the product schema, if there", List.of())),
            Map.entry(4, new Entry("creates consumed_requests and the SQL API (quota.consume, quota.status)", List.of())),
            Map.entry(5, new Entry("adds the retention settings, tunes consumed_requests' autovacuum, indexes the job's runs", List.of(
                    new Lock("settings", ACCESS_EXCLUSIVE, Hold.CATALOG, READERS_OF_SETTINGS),
                    new Lock("consumed_requests", SHARE_UPDATE_EXCLUSIVE, Hold.CATALOG, "no reader or writer (vacuum and other DDL only)"),
                    new Lock("quota_reconciliation_runs", SHARE, Hold.ROWS, "the nightly job's writes")))),
            Map.entry(6, new Entry("adds the primary's own count to the findings", List.of(
                    new Lock("quota_reconciliation_drifts", ACCESS_EXCLUSIVE, Hold.CATALOG, "the nightly job and its reports")))),
            // in the order quota.consume takes them: the day's grants are read before the request id is written
            Map.entry(7, new Entry("rebuilds the keys of consumed_requests and quota_adjustments to carry user_id", List.of(
                    new Lock("quota_adjustments", ACCESS_EXCLUSIVE, Hold.ROWS,
                            "quota.consume and quota.status (the day's grants), support's adjustments"),
                    new Lock("consumed_requests", ACCESS_EXCLUSIVE, Hold.ROWS, "quota.consume (the chat)")))),
            Map.entry(8, new Entry("renders quota.day_limit from the plan rule", List.of())),
            Map.entry(9, new Entry("records the product's user key type; keys the toolkit's empty tables and the SQL API by it", List.of(
                    new Lock("settings", ACCESS_EXCLUSIVE, Hold.CATALOG, READERS_OF_SETTINGS)))),
            Map.entry(10, new Entry("creates quota_holds; reserve, settle and release; admission counting the units held", List.of())));

    /** One lock of a pending migration, on a table that exists, with the table's rows. */
    public record PlannedLock(String table, String mode, String blocks, long rows) {
    }

    /**
     * One pending migration: what it does, its locks (all taken up front and held until it
     * commits), how long it is expected to hold them (the index builds over the rows it
     * reads; zero for catalog changes, which take milliseconds) and its statement_timeout.
     */
    public record PlannedMigration(int version, String description, String does, List<PlannedLock> locks, Duration expectedHold,
                                   Duration lockTimeout, Duration statementTimeout) {

        /**
         * What runs first in its transaction ({@link MigrationPreamble}), and what the dry run
         * shows before its statements: its lock and statement timeouts, then its locks in the
         * chat's order. Durations and the plan's own table names, never text from outside.
         */
        public List<String> preamble() {
            List<String> statements = new ArrayList<>();
            statements.add("SET LOCAL lock_timeout = '" + lockTimeout.toMillis() + "ms'");
            statements.add("SET LOCAL statement_timeout = '" + statementTimeout.toMillis() + "ms'");
            for (PlannedLock lock : locks) {
                statements.add("LOCK TABLE " + lock.table() + " IN " + lock.mode() + " MODE");
            }
            return statements;
        }
    }

    private MigrationPlan() {
    }

    /** Whether the catalogue has an entry for {@code version}. */
    static boolean covers(int version) {
        return ENTRIES.containsKey(version);
    }

    /**
     * The plan for the pending migrations ({@code version → description}, in order), with
     * each lock's rows from the catalog's estimate and {@code baseTimeout} as the
     * statement_timeout of a migration that holds its locks only while the catalog changes.
     */
    static List<PlannedMigration> of(Handle handle, Schemas schemas, Map<Integer, String> pending, Duration lockTimeout,
                                     Duration baseTimeout) {
        List<PlannedMigration> plan = new ArrayList<>();
        pending.forEach((version, description) -> {
            Entry entry = ENTRIES.get(version);
            if (entry == null) {
                throw new IllegalStateException("no plan entry for the toolkit's migration V" + version);
            }
            List<PlannedLock> locks = new ArrayList<>();
            long rowsRead = 0;
            for (Lock lock : entry.locks()) {
                Optional<Long> rows = rowsOf(handle, schemas.inToolkit(lock.table()));
                if (rows.isPresent()) {
                    locks.add(new PlannedLock(schemas.inToolkit(lock.table()), lock.mode(), lock.blocks(), rows.get()));
                    rowsRead += lock.hold() == Hold.ROWS ? rows.get() : 0;
                }
            }
            Duration hold = readingTime(rowsRead);
            Duration timeout = baseTimeout.isZero() ? Duration.ZERO : max(baseTimeout, hold.multipliedBy(TIMEOUT_MARGIN));
            plan.add(new PlannedMigration(version, description, entry.does(), List.copyOf(locks), hold, lockTimeout, timeout));
        });
        return plan;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The time an index build takes over {@code rows} rows, at the measured rate. */
    static Duration readingTime(long rows) {
        return Duration.ofMillis(Math.round(rows / ROWS_PER_SECOND * 1000));
    }

    /**
     * The table's rows as the planner estimates them (no scan), counted when it was never
     * analyzed; empty when the table does not exist yet (the run creates it).
     */
    private static Optional<Long> rowsOf(Handle handle, String table) {
        Optional<Float> estimate = handle.createQuery("SELECT c.reltuples FROM pg_class c WHERE c.oid = to_regclass(:table)")
                .bind("table", table).mapTo(Float.class).findOne();
        if (estimate.isEmpty()) {
            return Optional.empty();
        }
        if (estimate.get() >= 0) {
            return Optional.of((long) Math.ceil(estimate.get()));
        }
        return Optional.of(handle.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one());
    }
}
