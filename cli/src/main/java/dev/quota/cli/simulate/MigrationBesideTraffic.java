package dev.quota.cli.simulate;

import dev.quota.core.QuotaException;
import dev.quota.core.db.Database;
import dev.quota.core.db.DatabaseConfig;
import dev.quota.core.db.LockWaits;
import dev.quota.core.db.SchemaMigrator;
import dev.quota.core.db.Schemas;
import dev.quota.core.db.StandIn;
import dev.quota.core.retention.ScratchSchemas;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jdbi.v3.core.Handle;

/**
 * What {@code db migrate} costs the live chat: a database as an earlier release left it,
 * filled with request ids, upgraded to the latest schema while backend threads each store
 * a message and charge it through {@code quota.consume} in one transaction, on connections
 * of their own with no lock_timeout (a backend's default). The longest call during the
 * upgrade is the chat's stall. Optionally another session holds a lock through the
 * upgrade: an open transaction that read the counter table, or the toolkit's settings.
 * Used by scripts/bench-migrate-live.
 *
 * <p>Usage: {@code MigrationBesideTraffic <jdbc-url> <from-version> <request-ids> <threads> <held: none|counters|settings>}
 */
public final class MigrationBesideTraffic {

    private static final int USERS = 10_000;

    private MigrationBesideTraffic() {
    }

    /** Backend threads, each on its own connection, recording every call's latency until closed. */
    private static final class Backend implements AutoCloseable {
        private final Recorder latency = new Recorder(3);
        private final LongAdder calls = new LongAdder();
        private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean running = true;

        Backend(DatabaseConfig config, Schemas schemas, int count) throws SQLException {
            String consume = "SELECT accepted FROM " + schemas.inToolkit("consume") + "(?, 1, ?)";
            String message = "INSERT INTO " + schemas.inProduct("chat_messages") + " (user_id, role, request_id) VALUES (?, 'user', ?)";
            for (int t = 0; t < count; t++) {
                Connection connection = connect(config);
                int thread = t;
                Thread worker = new Thread(() -> {
                    try (connection;
                         PreparedStatement charge = connection.prepareStatement(consume);
                         PreparedStatement store = connection.prepareStatement(message)) {
                        connection.setAutoCommit(false);
                        for (long i = 0; running; i++) {
                            long user = 1 + (i * 7919 + thread * 104_729L) % USERS;
                            String requestId = "live-" + thread + "-" + i;
                            long begin = System.nanoTime();
                            try {
                                charge.setLong(1, user);
                                charge.setString(2, requestId);
                                try (ResultSet row = charge.executeQuery()) {
                                    row.next();
                                    if (row.getBoolean(1)) {
                                        store.setLong(1, user);
                                        store.setString(2, requestId);
                                        store.executeUpdate();
                                    }
                                }
                                connection.commit();
                            } catch (SQLException e) {
                                connection.rollback();
                                errors.computeIfAbsent(e.getSQLState() + " " + e.getMessage().lines().findFirst().orElse(""),
                                        k -> new LongAdder()).increment();
                            }
                            latency.recordValue(Math.max(1, (System.nanoTime() - begin) / 1_000));
                            calls.increment();
                        }
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }, "backend-" + t);
                worker.setDaemon(true);
                threads.add(worker);
            }
            threads.forEach(Thread::start);
        }

        /** The calls since the previous look: their count and latency. */
        Histogram window() {
            return latency.getIntervalHistogram();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }

    /** A backend's connection: the server's defaults, no lock_timeout, no statement_timeout. */
    private static Connection connect(DatabaseConfig config) throws SQLException {
        return DriverManager.getConnection(config.jdbcUrl(), config.login());
    }

    private static String line(String name, Histogram calls, Duration length) {
        return String.format(Locale.ROOT, "%-9s %6.1f s  %,8.0f calls/s  p50 %6.2f ms  p99 %7.2f ms  longest %8.2f ms",
                name, length.toNanos() / 1e9, calls.getTotalCount() / (length.toNanos() / 1e9),
                calls.getValueAtPercentile(50) / 1000.0, calls.getValueAtPercentile(99) / 1000.0, calls.getMaxValue() / 1000.0);
    }

    public static void main(String[] args) throws Exception {
        DatabaseConfig base = DatabaseConfig.parse(args[0]);
        int from = Integer.parseInt(args[1]);
        long requestIds = Long.parseLong(args[2]);
        int threads = Integer.parseInt(args[3]);
        String held = args[4];
        Schemas schemas = Schemas.scratch(ScratchSchemas.UPGRADE_REHEARSAL);
        // Flyway holds two connections while it migrates, the holder one, the plan one
        DatabaseConfig config = base.withSchemas(schemas).withPoolSize(4);
        try (Database database = Database.open(config)) {
            StandIn.installAt(database, from);
            long started = System.nanoTime();
            database.jdbi().useHandle(handle -> fill(handle, schemas, requestIds));
            System.out.printf(Locale.ROOT, "setup      V%d, %,d users, %,d request ids (filled in %.1f s); %d backend threads; held: %s%n",
                    from, USERS, requestIds, (System.nanoTime() - started) / 1e9, threads, held);
            List<String> attempts = new ArrayList<>();
            String outcome;
            Histogram before;
            Histogram during;
            Histogram after;
            Duration migration;
            try (Backend backend = new Backend(config, schemas, threads)) {
                Thread.sleep(3_000); // warm-up: connections, plans
                backend.window();
                Thread.sleep(3_000);
                before = backend.window();
                try (Handle holder = database.jdbi().open()) {
                    hold(holder, schemas, held);
                    long begin = System.nanoTime();
                    try {
                        int applied = SchemaMigrator.install(database, database.migrator(), LockWaits.DEFAULT, attempts::add)
                                .migrationsApplied();
                        outcome = "applied " + applied + " migration(s)";
                    } catch (QuotaException e) {
                        outcome = e.code().code() + ": " + e.getMessage();
                    }
                    migration = Duration.ofNanos(System.nanoTime() - begin);
                    during = backend.window();
                    if (holder.isInTransaction()) {
                        holder.rollback();
                    }
                }
                Thread.sleep(3_000);
                after = backend.window();
                if (!backend.errors.isEmpty()) {
                    System.out.println("chat errors: " + backend.errors);
                }
            }
            attempts.forEach(line -> System.out.println("attempt    " + line));
            System.out.printf(Locale.ROOT, "migration  %.2f s, lock_timeout %d ms: %s%n", migration.toNanos() / 1e9,
                    config.lockTimeout().toMillis(), outcome);
            System.out.println(line("before", before, Duration.ofSeconds(3)));
            System.out.println(line("during", during, migration));
            System.out.println(line("after", after, Duration.ofSeconds(3)));
            database.jdbi().useHandle(handle -> handle.execute("DROP SCHEMA " + schemas.toolkit() + ", " + schemas.product() + " CASCADE"));
        }
    }

    /** Users on a plan no run reaches, and request ids over the idempotency window (7 past days). */
    private static void fill(Handle handle, Schemas schemas, long requestIds) {
        handle.execute("SET statement_timeout = 0");
        handle.execute("INSERT INTO billing_plans (code, display_name, daily_message_limit) VALUES ('bench', 'Bench', 1000000000)");
        handle.execute("INSERT INTO users (email) SELECT 'user' || g || '@bench.invalid' FROM generate_series(1, " + USERS + ") g");
        handle.execute("INSERT INTO user_subscriptions (user_id, plan_id, status, started_at) SELECT id, 1, 'active', now() - interval '30 days' FROM users");
        handle.createUpdate("INSERT INTO " + schemas.inToolkit("consumed_requests") + " (request_id, user_id, quota_date, units) "
                        + "SELECT 'past-' || g, 1 + g % " + USERS + ", current_date - 1 - CAST(g % 7 AS integer), 1 FROM generate_series(1, :n) g")
                .bind("n", requestIds).execute();
        handle.execute("VACUUM (ANALYZE) " + schemas.inToolkit("consumed_requests"));
        handle.execute("RESET statement_timeout");
    }

    /** Another session's open transaction holding a lock through the upgrade. */
    private static void hold(Handle holder, Schemas schemas, String held) {
        switch (held) {
            case "none" -> { }
            case "counters" -> {
                holder.begin();
                holder.execute("LOCK TABLE " + schemas.inProduct("user_daily_quota_usages") + " IN ACCESS SHARE MODE");
            }
            case "settings" -> {
                holder.begin();
                holder.execute("LOCK TABLE " + schemas.inToolkit("settings") + " IN ACCESS SHARE MODE");
            }
            default -> throw new IllegalArgumentException("held must be none, counters or settings, got " + held);
        }
    }
}
