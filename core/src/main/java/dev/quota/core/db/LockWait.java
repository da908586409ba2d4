package dev.quota.core.db;

import dev.quota.core.ErrorCode;
import dev.quota.core.QuotaException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.api.MigrationInfo;

/**
 * A migration that gave up waiting for a lock: which one, and the sessions that hold locks
 * on the toolkit's tables, for the line {@code db migrate} prints for each attempt and for
 * its final {@code lock_not_available}.
 */
final class LockWait {

    private final String migration;
    private final String failure;
    private final List<String> holders;

    private LockWait(String migration, String failure, List<String> holders) {
        this.migration = migration;
        this.failure = failure;
        this.holders = holders;
    }

    /**
     * After a failed attempt: the first pending migration is the one rolled back (the ones
     * before it committed), after a lock wait the lock_timeout cut short or a deadlock.
     */
    static LockWait after(DataSource dataSource, Schemas schemas, MigrationInfo[] pending, boolean deadlock,
                          List<MigrationPlan.PlannedMigration> plan) {
        if (pending.length == 0) {
            return new LockWait("a migration", "could not take its locks", List.of());
        }
        int version = Integer.parseInt(pending[0].getVersion().getVersion());
        String migration = "V" + version + " (" + pending[0].getDescription() + ")";
        String failure = deadlock ? "deadlocked with another session over its locks" : "could not take its lock within the lock_timeout";
        // the tables its plan locks; all of the toolkit's when the plan lists none
        List<String> tables = plan.stream().filter(m -> m.version() == version).flatMap(m -> m.locks().stream())
                .map(MigrationPlan.PlannedLock::table).toList();
        return new LockWait(migration, failure, holders(dataSource, schemas, tables));
    }

    /** Other sessions holding a lock on {@code tables}, or on any table of the toolkit's schema, as one phrase each. */
    private static List<String> holders(DataSource dataSource, Schemas schemas, List<String> tables) {
        String sql = """
                SELECT a.pid, a.state, COALESCE(a.application_name, ''),
                       CAST(EXTRACT(EPOCH FROM clock_timestamp() - COALESCE(a.xact_start, a.query_start)) AS integer),
                       string_agg(DISTINCT c.relname || ' ' || l.mode, ', ' ORDER BY c.relname || ' ' || l.mode)
                  FROM pg_locks l
                  JOIN pg_class c ON c.oid = l.relation
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                  JOIN pg_stat_activity a ON a.pid = l.pid
                 WHERE l.granted AND n.nspname = ? AND l.pid <> pg_backend_pid() AND c.relkind IN ('r', 'p', 'v')
                   AND (cardinality(CAST(? AS text[])) = 0 OR c.oid IN (SELECT to_regclass(t) FROM unnest(CAST(? AS text[])) t))
                 GROUP BY a.pid, a.state, a.application_name, a.xact_start, a.query_start
                 ORDER BY a.pid
                 LIMIT 5
                """;
        List<String> holders = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, schemas.toolkit());
            Array planned = connection.createArrayOf("text", tables.toArray());
            statement.setArray(2, planned);
            statement.setArray(3, planned);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String application = rows.getString(3).isBlank() ? "" : ", " + rows.getString(3);
                    holders.add("pid " + rows.getInt(1) + " (" + rows.getString(2) + " for " + rows.getInt(4) + " s" + application
                            + ": " + rows.getString(5) + ")");
                }
            }
        } catch (SQLException e) {
            // the holders only explain the wait: a failure to list them must not hide it
            holders.add("the sessions holding it could not be listed (" + e.getMessage() + ")");
        }
        return List.copyOf(holders);
    }

    private String heldBy() {
        return holders.isEmpty() ? "the session that held it has ended" : "held by " + String.join("; ", holders);
    }

    /** One line: the migration, that it waited its lock_timeout in vain, and who holds the toolkit's tables. */
    String describe() {
        return "db migrate: " + migration + " " + failure + " and was rolled back; " + heldBy();
    }

    QuotaException gaveUp(int attempts, Throwable cause) {
        return new QuotaException(ErrorCode.LOCK_NOT_AVAILABLE, "db migrate gave up on " + migration + " after " + attempts + " attempt"
                + (attempts == 1 ? "" : "s") + " to take its locks (the last attempt " + failure + "; " + heldBy() + "); nothing of it was applied: "
                + "run it again when that session has ended, or at a quieter hour",
                Map.of("migration", migration, "attempts", attempts, "holders", holders), null, cause);
    }
}
