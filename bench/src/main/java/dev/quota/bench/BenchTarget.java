package dev.quota.bench;

import dev.quota.core.UserKeyType;
import dev.quota.core.check.InvariantReport;
import dev.quota.core.check.QuotaInvariants;
import dev.quota.core.db.Database;
import dev.quota.core.db.DatabaseConfig;
import dev.quota.core.db.EmbeddedDatabase;
import dev.quota.core.db.Schemas;
import dev.quota.core.db.StandIn;
import dev.quota.core.workload.Workload;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementException;

/**
 * The database a benchmark trial runs against, in a schema of its own: the server named by
 * {@code QUOTA_DB_URL} (or {@code -Dquota.db.url}), which {@code scripts/bench} shares with
 * pgbench, or else a throw-away embedded PostgreSQL with synchronous commits.
 */
final class BenchTarget implements AutoCloseable {

    /** Users of the uniform and zipf workloads. */
    static final int MANY_USERS = 100_000;

    private final EmbeddedDatabase server;
    final Database database;
    final Schemas schemas;
    /** For a copy of a {@link SeededTemplate}: its database, dropped on close instead of the schemas. */
    private final SeededTemplate.Copy copy;

    private BenchTarget(EmbeddedDatabase server, Database database, Schemas schemas) {
        this(server, database, schemas, null);
    }

    BenchTarget(EmbeddedDatabase server, Database database, Schemas schemas, SeededTemplate.Copy copy) {
        this.server = server;
        this.database = database;
        this.schemas = schemas;
        this.copy = copy;
    }

    /** How every trial's pool is opened: the pool, and timeouts long enough for a loaded 2-core host. */
    static DatabaseConfig trialConfig(DatabaseConfig base, Schemas schemas, int poolSize) {
        // Flyway holds two connections while it migrates
        return base.withSchemas(schemas).withPoolSize(Math.max(2, poolSize))
                .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    static DatabaseConfig sharedConfig() {
        String url = System.getProperty("quota.db.url", System.getenv(DatabaseConfig.URL_VARIABLE));
        return url == null || url.isBlank() ? null : DatabaseConfig.parse(url);
    }

    /** Opens a fresh schema with {@code users} subscribed users, keyed by bigint, whose daily limit is {@code limit}. */
    static BenchTarget open(int poolSize, int users, int limit) {
        return open(poolSize, users, limit, UserKeyType.WHOLE_NUMBER);
    }

    /** The same, with the stand-in's users keyed by {@code keys}. */
    static BenchTarget open(int poolSize, int users, int limit, UserKeyType keys) {
        DatabaseConfig shared = sharedConfig();
        EmbeddedDatabase server = shared == null ? startServer() : null;
        return open(server, shared != null ? shared : server.config(), poolSize, users, limit, keys);
    }

    /** A throw-away embedded PostgreSQL as the benchmarks want it: synchronous commits, room for every pool. */
    static EmbeddedDatabase startServer() {
        return EmbeddedDatabase.startEphemeral(Map.of("synchronous_commit", "on", "max_connections", "300"));
    }

    /** A fresh schema on a server someone else runs and stops (the paired mode's, shared by all its contenders). */
    static BenchTarget on(DatabaseConfig base, int poolSize, int users, int limit) {
        return open(null, base, poolSize, users, limit, UserKeyType.WHOLE_NUMBER);
    }

    private static BenchTarget open(EmbeddedDatabase server, DatabaseConfig base, int poolSize, int users, int limit, UserKeyType keys) {
        Schemas schemas = Schemas.scratch("bench");
        Database database = Database.open(trialConfig(base, schemas, poolSize));
        StandIn.install(database, keys);
        database.jdbi().useHandle(handle -> {
            handle.createUpdate("INSERT INTO billing_plans (code, display_name, daily_message_limit) VALUES ('bench', 'Bench', :limit)")
                    .bind("limit", limit).execute();
            handle.createUpdate("INSERT INTO users (email) SELECT 'bench' || g || '@bench.invalid' FROM generate_series(1, :users) g")
                    .bind("users", users).execute();
            handle.execute("""
                    INSERT INTO user_subscriptions (user_id, plan_id, status, started_at)
                    SELECT u.id, p.id, 'active', now() - interval '1 day' FROM users u, billing_plans p
                    """);
            // A day of history, as a deployed database has: without it the statistics say the
            // counter and message tables are empty, the statements' cached generic plans scan
            // them sequentially, and a trial slows down as they fill, which no real server does.
            handle.execute("""
                    INSERT INTO chat_messages (user_id, role, created_at, request_id)
                    SELECT id, 'user', (CAST(now() AT TIME ZONE 'UTC' AS date) - 1 + time '12:00') AT TIME ZONE 'UTC', 'history-' || id FROM users
                    """);
            handle.execute("""
                    INSERT INTO user_daily_quota_usages (user_id, quota_date, used_count)
                    SELECT id, CAST(now() AT TIME ZONE 'UTC' AS date) - 1, 1 FROM users
                    """);
            // Every trial starts from the same state. Vacuumed, the seed is not visited by
            // autovacuum during the trial (100,000 new rows a table call it within its minute),
            // and a checkpoint writes out this seed and the previous trials' before the clock
            // starts, instead of in the middle of whichever trial comes next.
            handle.execute("VACUUM (ANALYZE) users, billing_plans, user_subscriptions, chat_messages, user_daily_quota_usages");
            checkpoint(handle);
        });
        return new BenchTarget(server, database, schemas);
    }

    /**
     * Fails when the schema breaks an invariant: a counter above its limit, or (when the
     * trial stored messages) a counter that differs from its messages.
     */
    void requireInvariants(String describe, boolean storesMessages) {
        InvariantReport report = QuotaInvariants.check(database.jdbi());
        boolean broken = storesMessages ? !report.holds() : report.aboveLimit() > 0;
        if (broken) {
            throw new IllegalStateException("INVARIANT BROKEN by " + describe + ": " + report.aboveLimit()
                    + " counters above their limit, " + report.offLog() + " off the message log " + report.samples());
        }
    }

    /** A checkpoint of the whole server, so that the next trial does not pay for the writes of the last. */
    void checkpoint() {
        database.jdbi().useHandle(BenchTarget::checkpoint);
    }

    /** A checkpoint, where the role may ask for one (superuser, or pg_checkpoint since PostgreSQL 15); otherwise says so once. */
    private static void checkpoint(Handle handle) {
        try {
            handle.execute("CHECKPOINT");
        } catch (StatementException e) {
            if (!(e.getCause() instanceof SQLException sql && "42501".equals(sql.getSQLState()))) {
                throw e;
            }
            if (!checkpointRefusalNoted) {
                checkpointRefusalNoted = true;
                System.err.println("bench: no CHECKPOINT between trials (" + sql.getMessage() + "): a trial may pay for the writes of earlier ones");
            }
        }
    }

    private static volatile boolean checkpointRefusalNoted;

    static int users(Workload workload) {
        return workload == Workload.hot ? 1 : MANY_USERS;
    }

    @Override
    public void close() {
        try {
            if (copy == null) {
                database.jdbi().useHandle(handle -> handle.execute("DROP SCHEMA IF EXISTS " + schemas.toolkit() + ", " + schemas.product() + " CASCADE"));
            }
        } finally {
            database.close();
            if (copy != null) {
                copy.drop();
            }
            if (server != null) {
                server.close();
            }
        }
    }
}
